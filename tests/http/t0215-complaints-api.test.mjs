// The complaints JSON API: a corporate complaint through its two stages
// (council defaults: 10 working days extendable to 20; 25 extendable to 35),
// an extension, outcomes, escalation, no third stage, closing; validation
// naming the field; the report as JSON; and who may use it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, tokenFor } from './lib.mjs';

let server, officer, councillor, auditor;
before(async () => {
  server = await new Server().start();
  officer = await tokenFor(server, 'cpo', 'complaints_officer');
  councillor = await tokenFor(server, 'cllr.gus', 'councillor');
  auditor = await tokenFor(server, 'aud', 'auditor');
});
after(async () => { await server?.stop(); });

const api = (tok, method, p, body) => server.api(tok, method, p, body);
const complaint = {
  kind: 'complaint', procedure: 'corporate', about_type: 'service', about: 'Bin collections',
  service_area: 'waste', channel: 'online', from_name: 'Lee Resident', summary: 'Bins missed.',
  received_on: '2026-09-01', points: ['Missed collections', 'Rude call handler'],
};

test('a corporate complaint through both stages over the API', async () => {
  let res = await api(officer, 'POST', '/api/v1/complaints', { ...complaint, procedure: 'parish' });
  assert.equal(res.status, 422);
  assert.equal(res.body_.field, 'procedure');
  res = await api(officer, 'POST', '/api/v1/complaints', { ...complaint, received_on: '2099-01-01' });
  assert.equal(res.body_.field, 'received_on');
  res = await api(officer, 'POST', '/api/v1/complaints', complaint);
  assert.equal(res.status, 201, JSON.stringify(res.body_));
  const c = res.body_;
  assert.equal(res.headers.get('location'), `/api/v1/complaints/${c.id}`);
  assert.equal(c.stages.length, 1);
  // 1 September 2026 + 10 working days = 15 September, 23:59:59 BST.
  assert.equal(c.stages[0].due_at, '2026-09-15T22:59:59Z');
  assert.equal(c.stages[0].extendable_to, '20 working days');
  assert.match(c.stages[0].basis, /Council default/);
  assert.deepEqual(c.points.map((p) => [p.stage, p.point, p.outcome]), [[1, 'Missed collections', null], [1, 'Rude call handler', null]]);

  res = await api(officer, 'POST', `/api/v1/complaints/${c.id}/extend`, { due_on: '2026-09-30', reason: 'Waiting for crew logs' });
  assert.equal(res.status, 422, 'past 20 working days (29 September)');
  res = await api(officer, 'POST', `/api/v1/complaints/${c.id}/extend`, { due_on: '2026-09-29', reason: 'Waiting for crew logs' });
  assert.equal(res.status, 200);
  assert.equal(res.body_.stages[0].due_at, '2026-09-29T22:59:59Z');
  assert.equal(res.body_.stages[0].original_due_at, '2026-09-15T22:59:59Z');
  assert.equal(res.body_.stages[0].extension_reason, 'Waiting for crew logs');

  res = await api(officer, 'POST', `/api/v1/complaints/${c.id}/complete-stage`, { outcomes: ['upheld', 'maybe'] });
  assert.equal(res.status, 422);
  assert.equal(res.body_.field, 'outcome');
  res = await api(officer, 'POST', `/api/v1/complaints/${c.id}/complete-stage`, { outcomes: ['upheld', 'withdrawn'] });
  assert.equal(res.status, 200);
  res = await api(officer, 'POST', `/api/v1/complaints/${c.id}/escalate`, {});
  assert.equal(res.status, 200, 'corporate stage 2 names no independent person');
  assert.equal(res.body_.stages[1].timescale, '25 working days');
  assert.equal(res.body_.stages[1].extendable_to, '35 working days');
  assert.deepEqual(res.body_.points.filter((p) => p.stage === 2).map((p) => p.point), ['Missed collections'], 'a withdrawn point does not go forward');
  assert.equal((await api(officer, 'POST', `/api/v1/complaints/${c.id}/progress`, { text: 'Logs obtained.' })).body_.stages[1].progress_reports, 1);
  assert.equal((await api(officer, 'POST', `/api/v1/complaints/${c.id}/close`)).status, 409, 'stage 2 is open');
  assert.equal((await api(officer, 'POST', `/api/v1/complaints/${c.id}/complete-stage`, { outcomes: ['partly_upheld'] })).status, 200);
  res = await api(officer, 'POST', `/api/v1/complaints/${c.id}/escalate`, {});
  assert.equal(res.status, 409);
  assert.match(res.body_.detail, /no stage 3/);
  res = await api(officer, 'POST', `/api/v1/complaints/${c.id}/close`);
  assert.equal(res.status, 200);
  assert.equal(res.body_.status, 'closed');
});

test('actions and learning, and an Ombudsman referral, over the API', async () => {
  const c = (await api(officer, 'POST', '/api/v1/complaints', { ...complaint, received_on: undefined })).body_;
  let res = await api(officer, 'POST', `/api/v1/complaints/${c.id}/actions`, { kind: 'chore', text: 'x' });
  assert.equal(res.status, 422);
  assert.equal(res.body_.field, 'kind');
  res = await api(officer, 'POST', `/api/v1/complaints/${c.id}/actions`, { kind: 'action', text: 'Retrain call handlers', owner: 'Contact centre', due_on: '2027-01-31' });
  assert.equal(res.status, 200);
  const action = res.body_.actions[0];
  assert.deepEqual([action.kind, action.text, action.owner, action.due_on, action.completed_at], ['action', 'Retrain call handlers', 'Contact centre', '2027-01-31', null]);
  res = await api(officer, 'POST', `/api/v1/complaints/${c.id}/actions/${action.id}/complete`);
  assert.match(res.body_.actions[0].completed_at, /Z$/);
  assert.equal((await api(officer, 'POST', `/api/v1/complaints/${c.id}/actions/${action.id}/complete`)).status, 404);

  res = await api(officer, 'POST', `/api/v1/complaints/${c.id}/lgsco`, { received_on: '2026-10-01', reference: '26 002 345' });
  assert.equal(res.status, 200);
  const ref = res.body_.lgsco_referrals[0].id;
  assert.equal((await api(officer, 'POST', `/api/v1/complaints/${c.id}/lgsco/${ref}`, {})).status, 422);
  res = await api(officer, 'POST', `/api/v1/complaints/${c.id}/lgsco/${ref}`, { decision: 'Fault, no injustice' });
  assert.equal(res.body_.lgsco_referrals[0].decision, 'Fault, no injustice');
  assert.match(res.body_.lgsco_referrals[0].decided_at, /Z$/);
  res = await api(officer, 'POST', `/api/v1/complaints/${c.id}/lgsco/${ref}/recommendations`, { text: 'Review the round', due_on: '2027-02-28' });
  const rec = res.body_.lgsco_referrals[0].recommendations[0];
  assert.deepEqual([rec.text, rec.due_on, rec.complied_at], ['Review the round', '2027-02-28', null]);
  assert.equal((await api(officer, 'POST', `/api/v1/complaints/${c.id + 999}/recommendations/${rec.id}/comply`, { evidence: 'x' })).status, 404);
  res = await api(officer, 'POST', `/api/v1/complaints/${c.id}/recommendations/${rec.id}/comply`, { evidence: 'Round reviewed' });
  assert.equal(res.body_.lgsco_referrals[0].recommendations[0].evidence, 'Round reviewed');
  assert.equal((await api(auditor, 'POST', `/api/v1/complaints/${c.id}/lgsco`, { received_on: '2026-10-01' })).status, 403);
});

test('the report as JSON; councillors are refused, auditors read', async () => {
  // From July 2026 to today (London), so the test means the same whenever it runs.
  const today = new Date().toLocaleDateString('en-CA', { timeZone: 'Europe/London' });
  const [y, m] = today.split('-').map(Number);
  const res = await api(auditor, 'GET', `/api/v1/complaints/report?from=2026-07-01&to=${today}`);
  assert.equal(res.status, 200, JSON.stringify(res.body_));
  assert.deepEqual(res.body_.by_kind, { 'complaint / corporate': 2 });
  assert.deepEqual(res.body_.by_stage, { 'corporate stage 1': 2, 'corporate stage 2': 1 });
  assert.deepEqual(res.body_.by_outcome, { upheld: 1, withdrawn: 1, partly_upheld: 1 });
  const quarters = res.body_.quarters.map((q) => [q.year, q.quarter, q.stage2_completed, q.stage2_in_time]);
  assert.deepEqual(quarters[0], [2026, 3, 0, 0]);
  assert.deepEqual(quarters.at(-1), [y, Math.floor((m - 1) / 3) + 1, 1, 1], 'stage 2 completed today, in time');
  assert.equal(quarters.length, (y - 2026) * 4 + Math.floor((m - 1) / 3) + 1 - 2);
  assert.equal((await api(auditor, 'GET', '/api/v1/complaints/report?from=2026-07-01')).status, 422);
  assert.equal((await api(auditor, 'POST', '/api/v1/complaints', complaint)).status, 403);
  assert.equal((await api(councillor, 'GET', '/api/v1/complaints')).status, 403);
  assert.equal((await api(auditor, 'GET', '/api/v1/complaints')).body_.representations.length, 2);
});
