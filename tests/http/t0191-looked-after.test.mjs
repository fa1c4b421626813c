// Looked-after periods (domain/looked_after) and the retention rule they
// trigger: a child recorded as looked after is kept until the 75th birthday
// (config/retention.txt, rule looked_after) instead of the 25th, so a closed
// record that was due drops out of the destruction review. Recording checks
// the legal status code, the dates (not in the future, from birth to the 18th
// birthday, the end not before the start), one open period at a time, and
// need-to-know; it is audited. The page lists periods by their labels and
// records and ends them through its forms.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, tokenFor, csrfFrom, ok, sqlite } from './lib.mjs';

let server, pat, mo, aud, sid;
const sql = (q) => sqlite(server.db, q);

before(async () => {
  server = await new Server().start();
  const api = (t) => (m, p, b) => server.api(t, m, p, b);
  pat = api(await tokenFor(server, 'pat', 'practitioner'));
  mo = api(await tokenFor(server, 'morag', 'manager'));
  aud = api(await tokenFor(server, 'audrey', 'auditor'));
  sid = api(await tokenFor(server, 'sid', 'practitioner'));
});
after(async () => { await server.stop(); });

// A child with a children's case closed at the front door.
async function closedChild(forenames, dob) {
  const p = await ok(await pat('POST', '/api/v1/people', { forenames, surname: 'Cared', dob, confirm_new: true }), 201);
  const contact = await ok(await pat('POST', '/api/v1/contacts', {
    children: [{ person_id: p.id }], referrer: { name: 'School' }, source: '3A', concern: 'Old concern.',
  }), 201);
  await ok(await pat('POST', `/api/v1/contacts/${contact.id}/decisions`, { person_id: p.id, outcome: 'nfa', answers: { parents_aware: true, decision_reason: 'No concern.' } }));
  return p.id;
}

test('a recorded looked-after period keeps the record until the 75th birthday', async () => {
  const lac = await closedChild('Laura', '2000-03-04');
  const other = await closedChild('Owen', '2000-05-06');
  let due = await ok(await mo('GET', '/api/v1/retention/due'));
  assert.deepEqual(due.items.map((d) => [d.person_id, d.rule]).sort(), [[lac, 'children'], [other, 'children']]);

  const url = `/api/v1/people/${lac}/looked-after`;
  const made = await ok(await pat('POST', url, { legal_status: 'C2', started_on: '2005-01-10', ended_on: '2012-06-30' }), 201);
  assert.equal(sql(`select count(*) from audit where action = 'person.looked-after' and record_id = '${lac}'`), '1');
  const list = await ok(await pat('GET', url));
  assert.deepEqual(list.items.map((i) => [i.id, i.legal_status, i.legal_status_label, i.started_on, i.ended_on, i.recorded_by]),
    [[made.id, 'C2', 'Full care order', '2005-01-10', '2012-06-30', 'pat']]);

  due = await ok(await mo('GET', '/api/v1/retention/due'));
  assert.deepEqual(due.items.map((d) => d.person_id), [other]);
  assert.equal(sql(`select rule || ' ' || destroy_on from person_retention where person_id = ${lac}`), 'looked_after 2075-03-04');
  assert.equal(sql(`select rule || ' ' || destroy_on from person_retention where person_id = ${other}`), 'children 2025-05-06');
});

test('periods are checked: code, dates, one open at a time, need-to-know; ending one', async () => {
  const child = await closedChild('Carys', '2012-08-09');
  const url = `/api/v1/people/${child}/looked-after`;
  const future = new Date(Date.now() + 3 * 86400e3).toISOString().slice(0, 10);
  for (const [body, field] of [
    [{ legal_status: 'ZZ', started_on: '2020-01-01' }, 'legal_status'],
    [{ legal_status: 'V2', started_on: '2011-01-01' }, 'started_on'], // before birth
    [{ legal_status: 'V2', started_on: '2030-08-09' }, 'started_on'], // in the future
    [{ legal_status: 'V2', started_on: future }, 'started_on'],
    [{ legal_status: 'V2', started_on: '2020-02-30' }, 'started_on'],
    [{ legal_status: 'V2', started_on: '2020-01-01', ended_on: '2019-12-31' }, 'ended_on'],
  ]) {
    const res = await pat('POST', url, body);
    assert.equal(res.status, 422, JSON.stringify(body));
    assert.equal(res.body_.field, field, JSON.stringify(body));
  }
  // An adult when the period would start: no longer a child.
  const adult = await closedChild('Arwel', '1990-01-01');
  const tooOld = await pat('POST', `/api/v1/people/${adult}/looked-after`, { legal_status: 'V2', started_on: '2008-01-01' });
  assert.equal(tooOld.status, 422);
  assert.match(tooOld.body_.detail, /18th birthday/);

  const open = await ok(await pat('POST', url, { legal_status: 'V2', started_on: '2020-01-01' }), 201);
  assert.equal((await pat('POST', url, { legal_status: 'C1', started_on: '2021-01-01' })).status, 409);
  // Need-to-know: Sid has no work with the child; the auditor reads but does not record.
  assert.equal((await sid('GET', url)).body_.type, '/problems/break-glass');
  assert.equal((await sid('POST', url, { legal_status: 'C1', started_on: '2021-01-01' })).status, 403);
  await ok(await aud('GET', url));
  assert.equal((await aud('POST', url, { legal_status: 'C1', started_on: '2021-01-01' })).status, 403);

  assert.equal((await pat('POST', `${url}/${open.id}/end`, { ended_on: '2019-01-01' })).status, 422);
  assert.equal((await pat('POST', `${url}/${open.id}/end`, { ended_on: '2021-03-01' })).status, 204);
  assert.equal((await pat('POST', `${url}/${open.id}/end`, { ended_on: '2021-03-02' })).status, 409);
  assert.equal((await pat('POST', `/api/v1/people/${adult}/looked-after/${open.id}/end`, { ended_on: '2021-03-02' })).status, 404);
  assert.equal(sql(`select ended_on from looked_after_periods where id = ${open.id}`), '2021-03-01');
  assert.equal(sql(`select count(*) from audit where action = 'person.looked-after-end' and record_id = '${child}'`), '1');
});

test('the looked-after page lists periods by label and records and ends them', async () => {
  const child = await closedChild('Pip', '2010-02-03');
  const c = server.client();
  assert.equal((await c.signIn('pat', server.passwords.pat)).status, 303);
  const person = await c.get(`/people/${child}`);
  assert.match(person.text_, new RegExp(`href="/people/${child}/looked-after"`));
  const page = await c.get(`/people/${child}/looked-after`);
  assert.equal(page.status, 200);
  assert.match(page.text_, /None recorded/);
  const csrf = csrfFrom(page.text_);
  const bad = await c.postForm(`/people/${child}/looked-after`, { csrf_token: csrf, legal_status: '', 'started_on-day': '1', 'started_on-month': '2', 'started_on-year': '2015' });
  assert.equal(bad.status, 422);
  assert.match(bad.text_, /Select the legal status/);
  const made = await c.postForm(`/people/${child}/looked-after`, { csrf_token: csrf, legal_status: 'L2', 'started_on-day': '1', 'started_on-month': '2', 'started_on-year': '2015' });
  assert.equal(made.status, 303, made.text_);
  const shown = await c.get(`/people/${child}/looked-after`);
  assert.match(shown.text_, /Emergency protection order \(L2\)/);
  assert.match(shown.text_, /1 February 2015/);
  assert.match(shown.text_, /Still looked after/);
  const id = Number(sql(`select id from looked_after_periods where person_id = ${child}`));
  const ended = await c.postForm(`/people/${child}/looked-after/${id}/end`, { csrf_token: csrf, 'ended_on-day': '9', 'ended_on-month': '2', 'ended_on-year': '2015' });
  assert.equal(ended.status, 303, ended.text_);
  assert.match((await c.get(`/people/${child}/looked-after`)).text_, /9 February 2015/);
});
