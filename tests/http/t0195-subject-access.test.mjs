// Subject access: a request is recorded with its received date and its
// one-month due date (31 January -> 28 February); the export holds the whole
// record (details, names and address history, contact details, relationships,
// contacts, cases with steps and their forms, notes, the documents list, the
// audit of who saw it), lists the other people named in it for redaction
// review, and is itself audited. Only administrators and information
// governance (auditors) may do it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { Server, tokenFor, ok } from './lib.mjs';

let server, pat, ivy, mo;
const sql = (q) => spawnSync('sqlite3', [server.db, q], { encoding: 'utf8' }).stdout.trim();
before(async () => {
  server = await new Server().start();
  const api = (t) => (m, p, b) => server.api(t, m, p, b);
  pat = api(await tokenFor(server, 'pat', 'practitioner'));
  ivy = api(await tokenFor(server, 'ivy', 'auditor'));
  mo = api(await tokenFor(server, 'morag', 'manager'));
});
after(async () => { await server.stop(); });

test('a request, its due date, and an export that holds the whole record', async () => {
  const sara = await ok(await pat('POST', '/api/v1/people', {
    forenames: 'Sara', surname: 'Quince', dob: '2012-04-05', confirm_new: true,
    address: { line1: '3 Pear Tree Lane', town: 'Northtown', postcode: 'SW1A 1AA' },
  }), 201);
  const mum = await ok(await pat('POST', '/api/v1/people', { forenames: 'Mona', surname: 'Quince', confirm_new: true }), 201);
  const brother = await ok(await pat('POST', '/api/v1/people', { forenames: 'Bram', surname: 'Quince', confirm_new: true }), 201);
  await ok(await pat('POST', `/api/v1/people/${sara.id}/names`, { forenames: 'Sarah', surname: 'Quince' }), 201);
  await ok(await pat('POST', `/api/v1/people/${sara.id}/addresses`, { line1: '9 Plum Road', town: 'Northtown', from_date: '2024-01-01' }), 201);
  await ok(await pat('POST', `/api/v1/people/${sara.id}/contacts`, { kind: 'phone', label: 'home', value: '01632 960123' }), 201);
  await ok(await pat('POST', `/api/v1/people/${mum.id}/relationships`, { type: 'mother', related_id: sara.id }), 201);
  const contact = await ok(await pat('POST', '/api/v1/contacts', {
    children: [{ person_id: sara.id }, { person_id: brother.id }], referrer: { name: 'Dana Teacher', organisation: 'Hill School' },
    source: '3A', concern: 'Sara and Bram arrive hungry.',
  }), 201);
  await ok(await pat('POST', `/api/v1/people/${sara.id}/notes`, { type: 'home_visit', occurred_on: '2026-02-01', text: 'Saw Sara with Mona.' }), 201);
  await ok(await pat('GET', `/api/v1/people/${sara.id}`));

  // Only information governance and administrators.
  assert.equal((await pat('POST', `/api/v1/people/${sara.id}/subject-access`, { received_on: '2026-01-31', requester: 'Sara' })).status, 403);
  assert.equal((await mo('GET', '/api/v1/subject-access')).status, 403);
  for (const [body, field] of [[{ received_on: '31/01/2026', requester: 'x' }, 'received_on'],
    [{ received_on: '2999-01-01', requester: 'x' }, 'received_on'], [{ received_on: '2026-01-31', requester: '' }, 'requester']]) {
    const res = await ivy('POST', `/api/v1/people/${sara.id}/subject-access`, body);
    assert.equal(res.status, 422, JSON.stringify(res.body_));
    assert.equal(res.body_.field, field);
  }
  const req = await ok(await ivy('POST', `/api/v1/people/${sara.id}/subject-access`,
    { received_on: '2026-01-31', requester: 'Sara Quince, by her solicitor' }), 201);
  assert.equal(req.due_on, '2026-02-28'); // one month: no 31 February, so its last day
  assert.equal(req.received_on, '2026-01-31');
  const list = await ok(await ivy('GET', '/api/v1/subject-access'));
  assert.deepEqual(list.items.map((i) => [i.id, i.person_id, i.due_on]), [[req.id, sara.id, '2026-02-28']]);

  const res = await ivy('GET', `/api/v1/subject-access/${req.id}/export`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-disposition'), /subject-access-\d+\.json/);
  const x = res.body_;
  assert.equal(x.format, 'casework-sar-1');
  assert.deepEqual([x.request.received_on, x.request.due_on], ['2026-01-31', '2026-02-28']);
  // Completeness, section by section.
  assert.equal(x.details.forenames, 'Sara');
  assert.equal(x.details.dob, '2012-04-05');
  assert.deepEqual(x.names.map((n) => `${n.forenames} ${n.surname}`), ['Sarah Quince']);
  assert.deepEqual(x.addresses.map((a) => a.line1).sort(), ['3 Pear Tree Lane', '9 Plum Road']);
  assert.deepEqual(x.contact_details.map((c) => c.value), ['01632 960123']);
  assert.ok(x.relationships.some((r) => r.other === 'Mona Quince' && r.redaction_review === true), JSON.stringify(x.relationships));
  assert.equal(x.contacts.length, 1);
  assert.equal(x.contacts[0].concern, 'Sara and Bram arrive hungry.');
  assert.equal(x.contacts[0].redaction_review, true);
  assert.deepEqual(x.cases.map((c) => c.pathway), ['children']);
  assert.equal(x.steps[0].step, 'contact');
  assert.equal(JSON.parse(x.steps[0].answers).concern, 'Sara and Bram arrive hungry.');
  assert.deepEqual(x.notes.map((n) => [n.text, n.author, n.redaction_review]), [['Saw Sara with Mona.', 'Test pat', true]]);
  assert.deepEqual(x.documents, []);
  // Third parties for the officer's redaction review.
  assert.deepEqual(x.third_parties.map((t) => `${t.named_as}: ${t.name}`).sort(),
    ['on the same contact: Bram Quince', 'referrer: Dana Teacher', 'relationship: Mona Quince']);
  // Who saw it, this export included; the export is audited on the person.
  const seen = x.access_log.map((a) => `${a.user} ${a.action}`);
  assert.ok(seen.includes('pat person.view'), seen.join('\n'));
  assert.ok(seen.includes('ivy sar.export'), seen.join('\n'));
  assert.equal(sql(`select count(*) from audit where action = 'sar.export' and record_id = '${sara.id}'`), '1');
  assert.equal(sql(`select last_export_at is not null from sar_requests where id = ${req.id}`), '1');
  assert.equal((await ivy('GET', '/api/v1/subject-access/999999/export')).status, 404);
  assert.ok(contact.id);
});

test('a rectification note is attached to an item without altering it, and goes into the export', async () => {
  const p = await ok(await pat('POST', '/api/v1/people', { forenames: 'Rita', surname: 'Quill', dob: '2011-02-03', confirm_new: true }), 201);
  const other = await ok(await pat('POST', '/api/v1/people', { forenames: 'Otto', surname: 'Quill', confirm_new: true }), 201);
  const note = await ok(await pat('POST', `/api/v1/people/${p.id}/notes`, { type: 'phone_call', occurred_on: '2026-03-01', text: 'Rita was not at school.' }), 201);
  const otherNote = await ok(await pat('POST', `/api/v1/people/${other.id}/notes`, { type: 'other', occurred_on: '2026-03-01', text: 'x' }), 201);
  const before = sql(`select body || '|' || version || '|' || updated_at from notes where id = ${note.id}`);

  for (const [body, field] of [[{ item_type: 'diary', item_id: note.id, text: 'x' }, 'item_type'],
    [{ item_type: 'note', item_id: note.id, text: '' }, 'text'],
    [{ item_type: 'note', item_id: otherNote.id, text: 'Not hers.' }, 'item_id']]) {
    const res = await pat('POST', `/api/v1/people/${p.id}/rectifications`, body);
    assert.equal(res.status, 422, JSON.stringify(res.body_));
    assert.equal(res.body_.field, field);
  }
  const added = await ok(await pat('POST', `/api/v1/people/${p.id}/rectifications`,
    { item_type: 'note', item_id: note.id, text: 'Rita says she was at school: the register shows her present.' }), 201);
  assert.deepEqual(added.items.map((i) => [i.item_type, i.item_id, i.created_by]), [['note', note.id, 'pat']]);
  // The note itself is exactly as it was.
  assert.equal(sql(`select body || '|' || version || '|' || updated_at from notes where id = ${note.id}`), before);
  assert.equal((await ok(await pat('GET', `/api/v1/notes/${note.id}`))).text, 'Rita was not at school.');
  assert.equal(sql(`select count(*) from audit where action = 'rectification.add' and record_id = '${p.id}'`), '1');
  // Need-to-know applies: someone with no work with Rita is asked for a reason.
  const sam = await tokenFor(server, 'sam', 'practitioner');
  const res = await server.api(sam, 'GET', `/api/v1/people/${p.id}/rectifications`);
  assert.equal(res.status, 403);
  assert.equal(res.body_.type, '/problems/break-glass');
  // The export carries it, marked for review.
  const req = await ok(await ivy('POST', `/api/v1/people/${p.id}/subject-access`, { received_on: '2026-03-02', requester: 'Rita' }), 201);
  assert.equal(req.due_on, '2026-04-02');
  const x = await ok(await ivy('GET', `/api/v1/subject-access/${req.id}/export`));
  assert.deepEqual(x.rectifications.map((r) => [r.item_type, r.item_id, r.text]),
    [['note', String(note.id), 'Rita says she was at school: the register shows her present.']]);
});
