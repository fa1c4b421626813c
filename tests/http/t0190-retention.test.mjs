// Retention and destruction through the API: old children's and early help
// records whose cases are closed fall due at the 25th birthday; a record with
// an open case and a young child are not due; a legal hold on early help keeps
// its record out of any batch; a manager confirms a batch, which destroys the
// records (every row naming them, in every table, is gone; the audit log still
// verifies) and leaves only the tombstone, and a certificate lists them. The
// people they were related to survive. Practitioners cannot destroy.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, tokenFor, ok, sqlite } from './lib.mjs';

let server, pat, mo, root;
const sql = (q) => sqlite(server.db, q);

before(async () => {
  server = await new Server().start();
  const api = (t) => (m, p, b) => server.api(t, m, p, b);
  pat = api(await tokenFor(server, 'pat', 'practitioner'));
  mo = api(await tokenFor(server, 'morag', 'manager'));
  root = api(await tokenFor(server, 'root', 'administrator'));
});
after(async () => { await server.stop(); });

// A person with a case on a pathway, closed at the front door unless open.
async function personWithCase(forenames, dob, pathway, { open = false } = {}) {
  const p = await ok(await pat('POST', '/api/v1/people', { forenames, surname: 'Retain', dob, confirm_new: true }), 201);
  const contact = await ok(await pat('POST', '/api/v1/contacts', {
    pathway, children: [{ person_id: p.id }], referrer: { name: 'School' }, source: '3A', concern: 'Old concern.',
  }), 201);
  if (!open) {
    const answers = pathway === 'early_help'
      ? { consent: false, decision_reason: 'Declined.' }
      : { parents_aware: true, decision_reason: 'No concern.' };
    await ok(await pat('POST', `/api/v1/contacts/${contact.id}/decisions`, { person_id: p.id, outcome: 'nfa', answers }));
  }
  return p.id;
}

// Every column of every table that names a person by one of these column names.
function rowsNaming(id) {
  const tables = sql("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'notes_fts%'").split('\n');
  const found = [];
  for (const t of tables) {
    const cols = sql(`select name from pragma_table_info('${t}')`).split('\n');
    for (const c of cols.filter((c) => ['person_id', 'related_id', 'survivor_id', 'merged_id', 'merged_into'].includes(c) || (t === 'people' && c === 'id'))) {
      const n = Number(sql(`select count(*) from ${t} where ${c} = ${id}`));
      if (n) found.push(`${t}.${c}: ${n}`);
    }
  }
  return found;
}

test('due records are destroyed in a confirmed batch; held ones survive; only tombstones remain', async () => {
  const old = await personWithCase('Olive', '2000-03-04', 'children');
  const held = await personWithCase('Hattie', '2000-07-08', 'early_help');
  const open = await personWithCase('Opal', '1999-01-01', 'children', { open: true });
  const young = await personWithCase('Yuri', '2015-01-01', 'children');
  // Olive's record has more to it: a note, another name, an address, a relationship to Yuri.
  await ok(await pat('POST', `/api/v1/people/${old}/notes`, { type: 'other', occurred_on: '2012-01-01', text: 'Quokka sighting at school.' }), 201);
  await ok(await pat('POST', `/api/v1/people/${old}/names`, { forenames: 'Olivia', surname: 'Retain' }), 201);
  await ok(await pat('POST', `/api/v1/people/${old}/addresses`, { line1: '1 Old Road', town: 'Northtown' }), 201);
  await ok(await pat('POST', `/api/v1/people/${old}/relationships`, { type: 'sibling', related_id: young }), 201);
  assert.ok(rowsNaming(old).length > 5, rowsNaming(old).join('\n'));

  // Practitioners have no part in destruction.
  assert.equal((await pat('GET', '/api/v1/retention/due')).status, 403);
  let due = await ok(await mo('GET', '/api/v1/retention/due'));
  assert.deepEqual(due.items.map((d) => [d.person_id, d.rule, d.destroy_on, d.hold_id]),
    [[old, 'children', '2025-03-04', null], [held, 'children', '2025-07-08', null]]);
  assert.equal(sql(`select why from person_retention where person_id = ${open}`), 'a case is open');
  assert.equal(sql(`select destroy_on from person_retention where person_id = ${young}`), '2040-01-01');

  // A legal hold on early help records.
  assert.equal((await mo('POST', '/api/v1/retention/holds', { reason: 'x', domains: 'pets' })).status, 422);
  const hold = await ok(await mo('POST', '/api/v1/retention/holds', { reason: 'National inquiry into early help', domains: 'early_help' }), 201);
  due = await ok(await mo('GET', '/api/v1/retention/due'));
  assert.equal(due.items.find((d) => d.person_id === held).hold_id, hold.id);

  // A batch with a held or a not-due record is refused whole; nothing is destroyed.
  let res = await mo('POST', '/api/v1/retention/batches', { person_ids: [old, held], authority: 'Monthly review' });
  assert.equal(res.status, 409);
  assert.match(res.body_.detail, new RegExp(`Person ${held} is under legal hold ${hold.id}`));
  res = await mo('POST', '/api/v1/retention/batches', { person_ids: [old, young], authority: 'Monthly review' });
  assert.equal(res.status, 409);
  assert.match(res.body_.detail, new RegExp(`Person ${young} is not due`));
  assert.equal((await mo('POST', '/api/v1/retention/batches', { person_ids: [old], authority: '' })).status, 422);
  assert.ok(rowsNaming(old).length > 5);
  assert.equal(sql('select count(*) from destroyed_records'), '0');

  // Confirmed: Olive is destroyed, with a certificate.
  const cert = await ok(await mo('POST', '/api/v1/retention/batches', { person_ids: [old], authority: 'Monthly review, November 2026' }), 201);
  assert.deepEqual(cert.records.map((r) => [r.person_id, r.rule, r.destroy_on]), [[old, 'children', '2025-03-04']]);
  assert.equal(cert.confirmed_by, 'morag');
  assert.equal(cert.authority, 'Monthly review, November 2026');
  assert.deepEqual(rowsNaming(old), ['destroyed_records.person_id: 1']); // the tombstone alone
  assert.equal(sql(`select count(*) from contacts where concern = 'Old concern.'`), '3'); // Olive's own contact went
  assert.equal(sql(`select count(*) from notes_fts where notes_fts match 'quokka'`), '0');
  assert.equal(sql(`select person_id || '|' || rule || '|' || destroy_on || '|' || batch_id from destroyed_records`),
    `${old}|children|2025-03-04|${cert.batch_id}`);
  // The person is gone from search, reads and the API; the others survive whole.
  assert.equal((await pat('GET', `/api/v1/people/${old}`)).status, 404);
  const found = (await ok(await pat('GET', '/api/v1/people?q=Olive%20Retain'))).results;
  assert.ok(found.length > 0 && !found.some((c) => c.id === old || c.person_id === old), JSON.stringify(found));
  for (const id of [held, open, young]) assert.equal(Number(sql(`select count(*) from people where id = ${id}`)), 1);
  assert.equal((await pat('GET', `/api/v1/people/${young}/relationships`)).body_.relationships?.length ?? 0, 0);
  // The audit log keeps its chain; the destruction rows name only ids and the rule.
  assert.equal((await root('GET', '/api/v1/audit/verify')).body_.intact, true);
  assert.equal(sql(`select detail from audit where action = 'retention.destroy' and record_id = '${old}'`),
    `batch ${cert.batch_id}; rule children; due 2025-03-04`);
  // The certificate can be read again.
  const again = await ok(await mo('GET', `/api/v1/retention/batches/${cert.batch_id}`));
  assert.deepEqual(again.records.map((r) => r.person_id), [old]);

  // Lifting the hold makes Hattie destroyable.
  await ok(await mo('POST', `/api/v1/retention/holds/${hold.id}/lift`), 204);
  assert.equal((await mo('POST', `/api/v1/retention/holds/${hold.id}/lift`)).status, 404);
  due = await ok(await mo('GET', '/api/v1/retention/due'));
  assert.deepEqual(due.items.map((d) => [d.person_id, d.hold_id]), [[held, null]]);
});

test('an event moves the date: a new contact reopens a case, and the record is no longer due', async () => {
  const p = await personWithCase('Ned', '2000-01-02', 'children');
  let due = await ok(await mo('GET', '/api/v1/retention/due'));
  assert.ok(due.items.some((d) => d.person_id === p));
  await ok(await pat('POST', '/api/v1/contacts', {
    children: [{ person_id: p }], referrer: { name: 'GP' }, source: '5A', concern: 'New concern.',
  }), 201);
  due = await ok(await mo('GET', '/api/v1/retention/due'));
  assert.ok(!due.items.some((d) => d.person_id === p));
  assert.equal(sql(`select why from person_retention where person_id = ${p}`), 'a case is open');
});

test('the review page: a manager confirms the batch and gets the certificate; a hold set on the page', async () => {
  const p = await personWithCase('Pia', '2000-05-05', 'children');
  const kid = await personWithCase('Kit', '2000-06-06', 'children', { open: true });
  const c = server.client();
  assert.equal((await c.signIn('morag', server.passwords.morag)).status, 303);
  let page = await c.get('/retention');
  assert.equal(page.status, 200);
  assert.match(page.text_, new RegExp(`name="person_ids" value="${p}"`));
  assert.doesNotMatch(page.text_, new RegExp(`name="person_ids" value="${kid}"`)); // a case is open
  const csrf = await c.csrf();
  // A hold on children's records keeps Pia out of the batch.
  let res = await c.postForm('/retention/holds', { csrf_token: csrf, reason: 'Inquiry', domains: 'children' });
  assert.equal(res.status, 303);
  page = await c.get('/retention');
  assert.doesNotMatch(page.text_, new RegExp(`name="person_ids" value="${p}"`));
  assert.match(page.text_, /data-testid="held">Pia Retain/);
  res = await c.postForm('/retention/batches', { csrf_token: csrf, person_ids: [String(p)], authority: 'Review' });
  assert.equal(res.status, 409);
  assert.match(res.text_, /is under legal hold/);
  const holdId = sql("select id from legal_holds where reason = 'Inquiry'");
  assert.equal((await c.postForm(`/retention/holds/${holdId}/lift`, { csrf_token: csrf })).status, 303);
  res = await c.postForm('/retention/batches', { csrf_token: csrf, person_ids: [String(p)], authority: '' });
  assert.equal(res.status, 422);
  assert.match(res.text_, /href="#authority"/);
  res = await c.postForm('/retention/batches', { csrf_token: csrf, person_ids: [String(p)], authority: 'Monthly review' });
  assert.equal(res.status, 303);
  assert.match(res.headers.get('location'), /^\/retention\/batches\/\d+$/);
  const cert = await c.get(res.headers.get('location'));
  assert.equal(cert.status, 200);
  assert.match(cert.text_, new RegExp(`data-testid="destroyed"><td class="govuk-table__cell">${p}</td>`));
  assert.match(cert.text_, /Monthly review/);
  assert.equal(sql(`select count(*) from people where id = ${p}`), '0');
});
