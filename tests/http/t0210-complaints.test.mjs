// Comments, compliments and complaints over HTTP: a children's complaint
// through stage 1 (statutory 10 working days, an extension refused past the
// 20-day limit and one allowed with its reason, outcomes per point) to
// stage 2 (investigator and independent person required, points carried
// forward, a missed progress report flagged, then reported), actions and
// learning, an Ombudsman referral with a recommendation complied with, an
// adults' complaint needing its agreed timescale, the reports, access
// (councillors and practitioners see nothing) and audit rows.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { Server, csrfFrom } from './lib.mjs';

function sql(db, query) {
  const r = spawnSync('sqlite3', [db, query], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

let server, cara, csrf;
before(async () => {
  server = await new Server().start();
  cara = server.client();
  assert.equal((await cara.signIn('cara.complaints', server.addUser('cara.complaints', 'complaints_officer'))).status, 303);
  csrf = await cara.csrf();
});
after(async () => { await server?.stop(); });

const post = (p, fields) => cara.postForm(p, { csrf_token: csrf, ...fields });
const base = {
  kind: 'complaint', procedure: 'children', about_type: 'team', about: 'Children in Care team 2',
  service_area: 'childrens_services', channel: 'email', from_name: 'Jo Parent', from_contact: 'jo@example.com',
  summary: 'Visits were cancelled without notice.',
};

let id;
test('a children\'s complaint: stage 1 due in 10 working days, extended within the limit with a reason', async () => {
  let res = await post('/complaints', { ...base, points: '' });
  assert.equal(res.status, 422);
  assert.match(res.text_, /Enter at least one point of complaint/);
  res = await post('/complaints', { ...base, received_on: '2026-03-02', points: 'Visits cancelled\n\nNo reply to emails' });
  assert.equal(res.status, 303, res.text_);
  id = Number(res.headers.get('location').split('/').pop());
  let page = await cara.get(`/complaints/${id}`);
  assert.equal(page.status, 200);
  assert.match(page.text_, /data-testid="due">16 March 2026 at 11:59pm \(10 working days, extendable to 20 working days\)/);
  assert.equal((page.text_.match(/data-testid="point"/g) || []).length, 2);
  res = await post(`/complaints/${id}/extend`, { due_on: '2026-03-31', reason: 'Social worker on leave' });
  assert.equal(res.status, 422);
  assert.match(res.text_, /no later than 2026-03-30 \(20 working days from the start of the stage\)/);
  res = await post(`/complaints/${id}/extend`, { due_on: '2026-03-27', reason: '' });
  assert.match(res.text_, /Enter the reason for the extension/);
  res = await post(`/complaints/${id}/extend`, { due_on: '2026-03-27', reason: 'Social worker on leave' });
  assert.equal(res.status, 303);
  page = await cara.get(`/complaints/${id}`);
  assert.match(page.text_, /data-testid="due">27 March 2026 at 11:59pm/);
  assert.match(page.text_, /data-testid="extension">from 16 March 2026 at 11:59pm: Social worker on leave/);
  assert.equal(sql(server.db, `select reason from audit where action = 'representation.extend' and record_id = '${id}'`), 'Social worker on leave');
});

test('stage 1 completed with an outcome per point; stage 2 needs an investigator and an independent person', async () => {
  let res = await post(`/complaints/${id}/escalate`, { investigator: 'A. Investigator', independent_person: 'I. Person' });
  assert.equal(res.status, 409, 'stage 1 is still open');
  res = await post(`/complaints/${id}/complete-stage`, { outcome: ['not_upheld', ''] });
  assert.equal(res.status, 422);
  assert.match(res.text_, /point 2 has none/);
  res = await post(`/complaints/${id}/complete-stage`, { outcome: ['not_upheld', 'partly_upheld'] });
  assert.equal(res.status, 303);
  res = await post(`/complaints/${id}/escalate`, { investigator: 'A. Investigator', independent_person: '' });
  assert.equal(res.status, 422);
  assert.match(res.text_, /Enter the independent person/);
  res = await post(`/complaints/${id}/escalate`, { investigator: 'A. Investigator', independent_person: 'I. Person' });
  assert.equal(res.status, 303);
  const page = await cara.get(`/complaints/${id}`);
  const stage2 = page.text_.split('data-testid="stage-2"')[1];
  assert.match(stage2, /\(25 working days, extendable to 65 working days\)/);
  assert.match(stage2, /Investigator[\s\S]*A\. Investigator[\s\S]*Independent person[\s\S]*I\. Person/);
  assert.equal((stage2.match(/data-testid="point"/g) || []).length, 2, 'the points go forward');
  assert.doesNotMatch(stage2, /progress-missed/);
  assert.equal(sql(server.db, `select count(*) from complaint_stages where representation_id = ${id}`), '2');
});

test('a missed stage 2 progress report is flagged until one is made', async () => {
  sql(server.db, `update complaint_stages set started_at = started_at - 20 * 86400 where representation_id = ${id} and stage = 2`);
  let page = await cara.get(`/complaints/${id}`);
  assert.match(page.text_, /data-testid="progress-missed"/);
  assert.match((await cara.get('/complaints')).text_, /Progress report missed/);
  const res = await post(`/complaints/${id}/progress`, { text: 'Interviews with both social workers done.' });
  assert.equal(res.status, 303);
  page = await cara.get(`/complaints/${id}`);
  assert.doesNotMatch(page.text_, /data-testid="progress-missed"/);
  assert.match(page.text_, /Progress reports<\/dt><dd class="govuk-summary-list__value">1; next due/);
});

test('actions and learning tracked to completion; an Ombudsman referral with a recommendation complied with', async () => {
  assert.equal((await post(`/complaints/${id}/actions`, { kind: 'learning', text: 'Tell families when visits move', owner: 'Team manager', action_due_on: '2026-12-31' })).status, 303);
  const action = sql(server.db, `select id from complaint_actions where representation_id = ${id}`);
  assert.equal((await post(`/complaints/${id}/actions/${action}/complete`, {})).status, 303);
  assert.equal((await post(`/complaints/${id}/actions/${action}/complete`, {})).status, 404, 'already done');
  assert.notEqual(sql(server.db, `select completed_at from complaint_actions where id = ${action}`), '');

  assert.equal((await post(`/complaints/${id}/lgsco`, { lgsco_received_on: '2026-11-01', reference: '26 001 234' })).status, 303);
  const ref = sql(server.db, `select id from lgsco_referrals where representation_id = ${id}`);
  assert.equal((await post(`/complaints/${id}/lgsco/${ref}`, { enquiries: 'Asked for the case file', decision: '' })).status, 303);
  assert.equal((await post(`/complaints/${id}/lgsco/${ref}`, { enquiries: '', decision: 'Fault causing injustice' })).status, 303);
  assert.equal((await post(`/complaints/${id}/lgsco/${ref}/recommendations`, { text: 'Apologise and pay £150', rec_due_on: '2026-12-15' })).status, 303);
  const rec = sql(server.db, `select id from lgsco_recommendations where referral_id = ${ref}`);
  assert.equal((await post(`/complaints/${id}/recommendations/${rec}/comply`, { evidence: 'Letter and payment sent' })).status, 303);
  const page = await cara.get(`/complaints/${id}`);
  assert.match(page.text_, /Enquiries: Asked for the case file\. Decision: Fault causing injustice\./);
  assert.match(page.text_, /Apologise and pay £150, due 15 December 2026 <strong class="govuk-tag govuk-tag--green">Complied<\/strong> Letter and payment sent/);
});

test('adults\' complaints need the timescale agreed with the complainant, within 6 months', async () => {
  const adults = { ...base, procedure: 'adults', service_area: 'adult_social_care', points: 'Care package late' };
  let res = await post('/complaints', adults);
  assert.equal(res.status, 422);
  assert.match(res.text_, /Enter the timescale agreed with the complainant/);
  res = await post('/complaints', { ...adults, agreed_timescale: '7 months' });
  assert.match(res.text_, /must end within 6 months/);
  res = await post('/complaints', { ...adults, agreed_timescale: '30 working days' });
  assert.equal(res.status, 303);
  const adultId = Number(res.headers.get('location').split('/').pop());
  assert.match((await cara.get(`/complaints/${adultId}`)).text_, /\(30 working days, extendable to 6 months\)/);
  assert.equal((await post(`/complaints/${adultId}/complete-stage`, { outcome: 'upheld' })).status, 303);
  assert.equal((await post(`/complaints/${adultId}/escalate`, { investigator: 'X' })).status, 409, 'adults have one stage');
  assert.equal((await post(`/complaints/${adultId}/close`, {})).status, 303);
});

test('reports: counts for the period, stage 2 in time per quarter, compliments per quarter', async () => {
  assert.equal((await post('/complaints', { ...base, kind: 'compliment', about: 'Sam, social worker', points: '' })).status, 303);
  assert.equal((await post(`/complaints/${id}/complete-stage`, { outcome: ['upheld', 'not_upheld'] })).status, 303);
  // From 2026 to today (London), so the test means the same whenever it runs.
  const today = new Date().toLocaleDateString('en-CA', { timeZone: 'Europe/London' });
  const [y, m] = today.split('-').map(Number);
  const page = await cara.get(`/complaints/report?from=2026-01-01&to=${today}`);
  assert.equal(page.status, 200);
  const table = (t) => page.text_.split(`data-testid="${t}"`)[1].split('</table>')[0];
  assert.match(table('by-kind'), /complaint \/ children<\/th><td[^>]*>1</);
  assert.match(table('by-kind'), /complaint \/ adults<\/th><td[^>]*>1</);
  assert.match(table('by-kind'), /compliment \/ children<\/th><td[^>]*>1</);
  assert.match(table('by-stage'), /children stage 1<\/th><td[^>]*>1</);
  assert.match(table('by-stage'), /children stage 2<\/th><td[^>]*>1</);
  assert.match(table('by-service'), /childrens_services<\/th><td[^>]*>2</);
  assert.match(table('by-outcome'), />Not upheld<\/th><td[^>]*>2</);
  assert.match(table('by-outcome'), />Upheld<\/th><td[^>]*>2</);
  // Stage 2 was completed today, within its 25 working days; the compliment came today.
  assert.match(table('quarters'), new RegExp(`${y} Q${Math.floor((m - 1) / 3) + 1}</td><td class="govuk-table__cell">1</td><td class="govuk-table__cell">100%</td><td class="govuk-table__cell">1<`));
  assert.match(table('quarters'), /2026 Q1<\/td><td class="govuk-table__cell">0<\/td><td class="govuk-table__cell">–<\/td><td class="govuk-table__cell">0</);
  assert.equal((await cara.get('/complaints/report?from=2026-12-31&to=2026-01-01')).status, 422);
});

test('councillors, practitioners and co-ordinators see nothing of complaints; every change is audited', async () => {
  for (const role of ['councillor', 'practitioner', 'enquiry_coordinator']) {
    const c = server.client();
    assert.equal((await c.signIn(`x.${role}`, server.addUser(`x.${role}`, role))).status, 303);
    assert.equal((await c.get(`/complaints/${id}`)).status, 403, role);
  }
  const actions = sql(server.db, `select group_concat(action, ',') from (select distinct action from audit where record_type = 'representation' and record_id = '${id}' order by action)`);
  for (const a of ['representation.create', 'representation.stage-start', 'representation.extend', 'representation.stage-complete',
    'representation.progress-report', 'representation.action-add', 'representation.action-complete', 'representation.lgsco-referral',
    'representation.lgsco-update', 'representation.lgsco-recommendation', 'representation.lgsco-compliance', 'representation.view'])
    assert.ok(actions.split(',').includes(a), `${a} in ${actions}`);
});
