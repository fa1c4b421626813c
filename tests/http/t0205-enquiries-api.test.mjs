// The enquiries JSON API: a councillor logs an enquiry (201 with Location,
// unknown members and bad codes 422 naming the field), a co-ordinator assigns
// and chases, the councillor asks for an update, the lead officer responds and
// replies; another councillor gets 404 and an officer not on it too; the list
// filters and counts; CSRF applies to session callers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { Server, tokenFor } from './lib.mjs';

let server;
const tok = {};
const id = (u) => Number(spawnSync('sqlite3', [server.db, `select id from users where username = '${u}'`], { encoding: 'utf8' }).stdout.trim());
before(async () => {
  server = await new Server().start();
  for (const [u, role] of [['cllr.eve', 'councillor'], ['cllr.fin', 'councillor'], ['coco', 'enquiry_coordinator'],
    ['lead.officer', 'manager'], ['other.officer', 'practitioner']])
    tok[u] = await tokenFor(server, u, role);
});
after(async () => { await server?.stop(); });

const api = (u, method, p, body) => server.api(tok[u], method, p, body);
const body = {
  service_area: 'housing', enquiry_type: 'casework', district: 'west', details: 'Damp in a council flat.',
  contact_method: 'phone', councillor_phone: '01632 960001', constituent_surname: 'Patel',
};

test('log, assign, chase, ask for an update, respond and reply through the API', async () => {
  let res = await api('cllr.eve', 'POST', '/api/v1/enquiries', { ...body, colour: 'red' });
  assert.equal(res.status, 422);
  assert.equal(res.body_.field, 'colour');
  res = await api('cllr.eve', 'POST', '/api/v1/enquiries', { ...body, district: 'atlantis' });
  assert.equal(res.status, 422);
  assert.equal(res.body_.field, 'district');
  res = await api('cllr.eve', 'POST', '/api/v1/enquiries', { ...body, councillor_phone: '' });
  assert.equal(res.body_.field, 'councillor_phone');
  assert.equal((await api('coco', 'POST', '/api/v1/enquiries', body)).status, 403, 'only councillors log enquiries');
  res = await api('cllr.eve', 'POST', '/api/v1/enquiries', body);
  assert.equal(res.status, 201, JSON.stringify(res.body_));
  const e = res.body_;
  assert.equal(res.headers.get('location'), `/api/v1/enquiries/${e.id}`);
  assert.equal(e.status, 'new');
  assert.equal(e.service_level, '10 working days');
  assert.equal(e.directorate, 'Place');
  assert.equal(e.councillor.name, 'Test cllr.eve');
  assert.match(e.due_at, /T2[23]:59:59Z$/);
  assert.deepEqual(e.history.map((h) => h.kind), ['submitted']);

  assert.equal((await api('cllr.fin', 'GET', `/api/v1/enquiries/${e.id}`)).status, 404);
  assert.equal((await api('lead.officer', 'GET', `/api/v1/enquiries/${e.id}`)).status, 404);
  res = await api('coco', 'POST', `/api/v1/enquiries/${e.id}/assign`, { lead_officer: id('lead.officer'), officers: [id('other.officer')] });
  assert.equal(res.status, 200, JSON.stringify(res.body_));
  assert.equal(res.body_.status, 'in_progress');
  assert.deepEqual(res.body_.officers.map((o) => [o.name, o.lead]), [['Test lead.officer', true], ['Test other.officer', false]]);
  assert.equal((await api('coco', 'POST', `/api/v1/enquiries/${e.id}/chase`, {})).status, 200);
  assert.equal((await api('cllr.eve', 'POST', `/api/v1/enquiries/${e.id}/update-request`, { text: 'News?' })).body_.update_requested, true);
  res = await api('lead.officer', 'POST', `/api/v1/enquiries/${e.id}/responses`, { text: 'Surveyor visiting Thursday.' });
  assert.equal(res.status, 200);
  assert.equal(res.body_.update_requested, false);
  assert.equal(res.body_.responses, 1);
  assert.equal((await api('other.officer', 'POST', `/api/v1/enquiries/${e.id}/reply`, { reply: 'Done' })).status, 403);
  res = await api('lead.officer', 'POST', `/api/v1/enquiries/${e.id}/reply`, { reply: 'Damp treated; tenant satisfied.' });
  assert.equal(res.status, 200);
  assert.equal(res.body_.status, 'completed');
  assert.equal(res.body_.reply, 'Damp treated; tenant satisfied.');
  assert.deepEqual(res.body_.history.map((h) => h.kind), ['submitted', 'assigned', 'chased', 'update_requested', 'response', 'replied']);

  const list = await api('cllr.eve', 'GET', '/api/v1/enquiries?surname=patel');
  assert.equal(list.status, 200);
  assert.equal(list.body_.enquiries.length, 1);
  assert.deepEqual(list.body_.counts, { new: 0, in_progress: 0, completed: 1 });
  assert.equal((await api('cllr.fin', 'GET', '/api/v1/enquiries')).body_.enquiries.length, 0);
  assert.equal((await api('other.officer', 'GET', '/api/v1/enquiries')).body_.enquiries.length, 1, 'assigned officers see it');
  assert.equal((await api('cllr.eve', 'GET', '/api/v1/enquiries?status=open')).status, 422);
});
