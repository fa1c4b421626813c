// Trays and allocation: new contacts land in the front-door (duty) team's
// tray until a manager allocates them, or in the recording worker's team when
// no duty team is configured; cases no one holds show in the duty team's
// tray (or every team's); the team tray page marks due today, overdue and
// unallocated; a manager's authorisation is a task in their tray; a manager
// moves a worker's whole caseload from the workload page, with a reason,
// audited per case.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { Server, tokenFor } from './lib.mjs';

function sql(db, query) {
  const r = spawnSync('sqlite3', [db, query], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

async function ok(res, status = 200) {
  assert.equal(res.status, status, JSON.stringify(res.body_));
  return res.body_;
}

const daysAgo = (n) => new Date(Date.now() - n * 86400 * 1000).toISOString().replace(/\.\d+Z$/, 'Z');

let server;
const t = {}, ids = {}, pw = {};
const as = (who) => (method, p, body) => server.api(t[who], method, p, body);
const userId = (name) => Number(sql(server.db, `select id from users where username = '${name}'`));

before(async () => {
  server = await new Server({ args: ['--duty_team', 'Front Door'] }).start();
  t.root = await tokenFor(server, 'root', 'administrator');
  t.wes = await tokenFor(server, 'wes', 'practitioner');
  t.fay = await tokenFor(server, 'fay', 'practitioner');
  t.mia = await tokenFor(server, 'mia', 'manager');
  pw.mia = server.addUser('mia.web', 'manager');
  pw.gus = server.addUser('gus', 'practitioner');
  for (const u of ['wes', 'fay', 'mia', 'mia.web', 'gus']) ids[u] = userId(u);
});

after(async () => { await server.stop(); });

async function contact(who, people, received = daysAgo(10)) {
  return as(who)('POST', '/api/v1/contacts', {
    received_at: received, children: people.map((id) => ({ person_id: id })),
    referrer: { name: 'Hill School' }, source: '3A', concern: 'Not collected from school.',
  });
}

async function person(forenames, surname) {
  return ok(await as('wes')('POST', '/api/v1/people', { forenames, surname, confirm_new: true }), 201);
}

test('new contacts wait in the duty team\'s tray until allocated; nothing is lost', async () => {
  const a = await person('Ada', 'Thornbury'), b = await person('Ben', 'Thornbury');
  // The configured duty team does not exist yet: the front door says so.
  const refused = await contact('wes', [a.id]);
  assert.equal(refused.status, 409);
  assert.match(refused.body_.detail, /duty_team 'Front Door' is not a team/);

  const root = as('root');
  ids.fd = (await ok(await root('POST', '/api/v1/teams', { name: 'Front Door' }), 201)).id;
  ids.loc = (await ok(await root('POST', '/api/v1/teams', { name: 'Locality North' }), 201)).id;
  await ok(await root('PATCH', `/api/v1/users/${ids.wes}`, { teams: [ids.loc] }));
  for (const u of ['fay', 'gus']) await ok(await root('PATCH', `/api/v1/users/${ids[u]}`, { teams: [ids.fd] }));
  for (const u of ['mia', 'mia.web']) await ok(await root('PATCH', `/api/v1/users/${ids[u]}`, { teams: [ids.fd, ids.loc] }));

  // Recorded by a Locality worker, both children are held by the duty team.
  const c = await ok(await contact('wes', [a.id, b.id]), 201);
  const cases = c.children.map((k) => k.case_id);
  for (const id of cases) {
    const k = await ok(await as('mia')('GET', `/api/v1/cases/${id}`));
    assert.equal(k.allocated_team_id, ids.fd);
    assert.equal(k.allocated_user_id, null);
  }
  assert.equal(sql(server.db, `select count(*) from allocations where case_id in (${cases}) and team_id = ${ids.fd} and user_id is null and reason like '%front-door%'`), '2');
  assert.equal(sql(server.db, `select count(*) from audit where action = 'case.allocate' and detail like 'case ${cases[0]} allocated to user 0 team ${ids.fd}%'`), '1');
  // Nobody's own tray has them; the duty team's tray does, unallocated and overdue.
  for (const who of ['wes', 'fay', 'mia']) {
    const mine = await ok(await as(who)('GET', '/api/v1/tray'));
    assert.deepEqual(mine.tasks.filter((k) => cases.includes(k.case_id)), [], who);
  }
  const fdTray = await ok(await as('mia')('GET', `/api/v1/teams/${ids.fd}/tray`));
  const waiting = fdTray.tasks.filter((k) => cases.includes(k.case_id));
  assert.deepEqual(waiting.map((k) => [k.step, k.allocated_user_id, k.allocated_team_id, k.overdue]),
    [['contact', null, ids.fd, true], ['contact', null, ids.fd, true]]);
  const locTray = await ok(await as('mia')('GET', `/api/v1/teams/${ids.loc}/tray`));
  assert.deepEqual(locTray.tasks.filter((k) => cases.includes(k.case_id)), []);

  // A case no one holds (say, its team was taken off) shows in the duty team's tray only.
  sql(server.db, `update cases set allocated_team_id = null where id = ${cases[1]}`);
  const again = await ok(await as('mia')('GET', `/api/v1/teams/${ids.fd}/tray`));
  assert.deepEqual(again.tasks.filter((k) => cases.includes(k.case_id)).map((k) => [k.case_id, k.allocated_team_id]),
    [[cases[0], ids.fd], [cases[1], null]]);
  assert.deepEqual((await ok(await as('mia')('GET', `/api/v1/teams/${ids.loc}/tray`))).tasks
    .filter((k) => cases.includes(k.case_id)), []);

  // The workload counts them apart from the workers, and in the team's total.
  const load = await ok(await as('mia')('GET', `/api/v1/teams/${ids.fd}/workload`));
  assert.deepEqual([load.unallocated.open_cases, load.unallocated.open_tasks, load.unallocated.overdue_tasks,
    load.unallocated.weighted_caseload], [2, 2, 2, 2]);
  assert.equal(load.total.open_cases, load.workers.reduce((n, w) => n + w.open_cases, 0) + 2);

  // The team tray page: unallocated and overdue marked, an allocate link.
  const web = server.client();
  assert.equal((await web.signIn('mia.web', pw.mia)).status, 303);
  let page = await web.get(`/teams/${ids.fd}/tray`);
  assert.equal(page.status, 200);
  assert.match(page.text_, /<h1 class="govuk-heading-l">Front Door<\/h1>/);
  const rows = [...page.text_.matchAll(/data-testid="task">(.*?)<\/tr>/g)].map((m) => m[1]);
  assert.equal(rows.length, 2);
  for (const row of rows) {
    assert.match(row, /Thornbury[\s\S]*Contact and front-door decision[\s\S]*data-testid="unallocated"[\s\S]*Overdue/);
  }
  page = await web.get('/tray');
  assert.match(page.text_, new RegExp(`href="/teams/${ids.fd}/tray">team tray</a>`));
  const worker = server.client();
  assert.equal((await worker.signIn('gus', pw.gus)).status, 303);
  assert.equal((await worker.get(`/teams/${ids.fd}/tray`)).status, 403);

  // Allocated to a worker, the case leaves the unallocated count and joins their tray.
  await ok(await as('mia')('POST', `/api/v1/cases/${cases[0]}/allocation`, { user_id: ids.fay, team_id: ids.fd, reason: 'Duty worker today' }));
  const fayTray = await ok(await as('fay')('GET', '/api/v1/tray'));
  assert.deepEqual(fayTray.tasks.filter((k) => cases.includes(k.case_id)).map((k) => k.case_id), [cases[0]]);
  page = await web.get(`/teams/${ids.fd}/tray`);
  assert.match(page.text_, /Test fay/);
  const after1 = await ok(await as('mia')('GET', `/api/v1/teams/${ids.fd}/workload`));
  assert.equal(after1.unallocated.open_cases, 1);
  assert.equal(after1.workers.find((w) => w.user_id === ids.fay).open_cases, 1);
});

test('a step awaiting authorisation is a task in the manager\'s tray page, not the worker\'s', async () => {
  const p = await person('Cal', 'Ormsby');
  const c = await ok(await contact('fay', [p.id], daysAgo(2)), 201);
  const caseId = c.children[0].case_id;
  await ok(await as('mia')('POST', `/api/v1/cases/${caseId}/allocation`, { user_id: ids.fay, team_id: ids.fd, reason: 'Duty' }));
  await ok(await as('fay')('POST', `/api/v1/contacts/${c.id}/decisions`, {
    person_id: p.id, outcome: 'referral', answers: { parents_aware: true, decision_reason: 'Refer.' },
  }));
  const step = async (name) => (await ok(await as('fay')('GET', `/api/v1/cases/${caseId}`))).steps.find((s) => s.step === name && s.status !== 'completed');
  await ok(await as('fay')('POST', `/api/v1/steps/${(await step('referral')).id}/complete`, { outcome: 'assessment', answers: { summary: 'Assess.', primary_need: 'N4' } }));
  const assessment = await step('assessment');
  await ok(await as('fay')('POST', `/api/v1/steps/${assessment.id}/complete`, {
    outcome: 'nfa', answers: { started_on: daysAgo(1).slice(0, 10), child_seen: true, child_views: 'Fine.', analysis: 'No needs.', factors: ['21'], primary_need: 'N9' },
  }));
  const web = server.client();
  assert.equal((await web.signIn('mia.web', pw.mia)).status, 303);
  const page = await web.get('/tray');
  const row = [...page.text_.matchAll(/data-testid="task">(.*?)<\/tr>/g)].map((m) => m[1]).find((r) => r.includes('Cal Ormsby'));
  assert.ok(row, page.text_.slice(-3000));
  assert.match(row, new RegExp(`href="/steps/${assessment.id}">Authorise: Child and family assessment`));
  assert.match(row, /Awaiting authorisation/);
  const fayTray = await ok(await as('fay')('GET', '/api/v1/tray'));
  assert.deepEqual(fayTray.tasks.filter((k) => k.case_id === caseId), []);
});

test('a manager moves a departed worker\'s whole caseload from the workload page, with a reason', async () => {
  // A task on Wes's case given to Fay alone goes with her caseload.
  const other = await person('Ivo', 'Kestrel');
  const oc = await ok(await contact('wes', [other.id], daysAgo(1)), 201);
  const otherCase = oc.children[0].case_id;
  await ok(await as('mia')('POST', `/api/v1/cases/${otherCase}/allocation`, { user_id: ids.wes, team_id: ids.loc, reason: 'Locality' }));
  const otherStep = (await ok(await as('mia')('GET', `/api/v1/cases/${otherCase}`))).steps[0].id;
  await ok(await as('mia')('POST', `/api/v1/steps/${otherStep}/allocation`, { user_id: ids.fay, reason: 'Fay has met the family' }));
  // Fay has left: her account is disabled, her cases still need a worker.
  sql(server.db, `update users set disabled = 1 where id = ${ids.fay}`);
  const web = server.client();
  assert.equal((await web.signIn('mia.web', pw.mia)).status, 303);
  let page = await web.get(`/teams/${ids.fd}/workload`);
  assert.match(page.text_, new RegExp(`href="/users/${ids.fay}/caseload\\?team=${ids.fd}">Move caseload`));
  const held = Number(sql(server.db, `select count(*) from cases where allocated_user_id = ${ids.fay} and status = 'open'`));
  assert.ok(held >= 2);
  page = await web.get(`/users/${ids.fay}/caseload?team=${ids.fd}`);
  assert.equal(page.status, 200);
  assert.match(page.text_, new RegExp(`data-testid="open-cases">Test fay holds ${held} open cases`));
  assert.doesNotMatch(page.text_, new RegExp(`<option value="${ids.fay}"`)); // not to herself
  const csrf = await web.csrf();
  let res = await web.postForm(`/users/${ids.fay}/caseload`, { csrf_token: csrf, team_id: ids.fd, to_user_id: ids.gus, reason: '' });
  assert.equal(res.status, 422);
  assert.match(res.text_, /<a href="#reason">/);
  res = await web.postForm(`/users/${ids.fay}/caseload`, { csrf_token: csrf, team_id: ids.fd, to_user_id: '', reason: 'Leave' });
  assert.equal(res.status, 422);
  assert.match(res.text_, /<a href="#to_user_id">/);
  assert.equal(Number(sql(server.db, `select count(*) from cases where allocated_user_id = ${ids.fay} and status = 'open'`)), held);
  const audits = Number(sql(server.db, "select count(*) from audit where action = 'case.allocate'"));
  res = await web.postForm(`/users/${ids.fay}/caseload`, { csrf_token: csrf, team_id: ids.fd, to_user_id: ids.gus, reason: 'Fay on long leave' });
  assert.equal(res.status, 303, res.text_);
  assert.equal(res.headers.get('location'), `/teams/${ids.fd}/workload?moved=${held}`);
  assert.equal(sql(server.db, `select count(*) from cases where allocated_user_id = ${ids.fay} and status = 'open'`), '0');
  assert.equal(Number(sql(server.db, `select count(*) from cases where allocated_user_id = ${ids.gus} and allocated_team_id = ${ids.fd} and status = 'open'`)), held);
  assert.equal(Number(sql(server.db, `select count(*) from allocations where user_id = ${ids.gus} and reason = 'Fay on long leave' and by_user = ${ids['mia.web']}`)), held);
  assert.equal(Number(sql(server.db, "select count(*) from audit where action = 'case.allocate'")), audits + held);
  assert.equal(sql(server.db, `select assigned_user_id from case_steps where id = ${otherStep}`), String(ids.gus));
  assert.equal(sql(server.db, `select reason from step_allocations where step_id = ${otherStep} and to_at is null`), 'Fay on long leave');
  assert.equal(sql(server.db, `select allocated_user_id from cases where id = ${otherCase}`), String(ids.wes));
  page = await web.get(res.headers.get('location'));
  assert.match(page.text_, new RegExp(`data-testid="moved"[\\s\\S]*Caseload moved: ${held} cases`));
  // Only workers who share a team with the manager.
  const outsider = server.addUser('olu', 'practitioner') && userId('olu');
  assert.equal((await web.get(`/users/${outsider}/caseload`)).status, 404);
  // A worker may not.
  const worker = server.client();
  assert.equal((await worker.signIn('gus', pw.gus)).status, 303);
  assert.equal((await worker.get(`/users/${ids.gus}/caseload`)).status, 403);
});

test('without a duty team, new work waits in the recording worker\'s team; work no team holds shows in every team\'s tray', async () => {
  const plain = await new Server().start();
  try {
    const root = await tokenFor(plain, 'root', 'administrator');
    const rec = await tokenFor(plain, 'ruth', 'practitioner');
    const lone = await tokenFor(plain, 'lone', 'practitioner');
    const mgr = await tokenFor(plain, 'mgr', 'manager');
    const uid = (n) => Number(sql(plain.db, `select id from users where username = '${n}'`));
    const teamA = (await ok(await plain.api(root, 'POST', '/api/v1/teams', { name: 'Team A' }), 201)).id;
    const teamB = (await ok(await plain.api(root, 'POST', '/api/v1/teams', { name: 'Team B' }), 201)).id;
    await ok(await plain.api(root, 'PATCH', `/api/v1/users/${uid('ruth')}`, { teams: [teamB, teamA] }));
    await ok(await plain.api(root, 'PATCH', `/api/v1/users/${uid('mgr')}`, { teams: [teamA, teamB] }));
    const body = (pid) => ({ children: [{ person_id: pid }], referrer: { name: 'GP' }, source: '5A', concern: 'Worried.' });
    const p1 = await ok(await plain.api(rec, 'POST', '/api/v1/people', { forenames: 'Dee', surname: 'Vance', confirm_new: true }), 201);
    const p2 = await ok(await plain.api(lone, 'POST', '/api/v1/people', { forenames: 'Eli', surname: 'Vance', confirm_new: true }), 201);
    const c1 = await ok(await plain.api(rec, 'POST', '/api/v1/contacts', body(p1.id)), 201);
    const c2 = await ok(await plain.api(lone, 'POST', '/api/v1/contacts', body(p2.id)), 201);
    const k1 = await ok(await plain.api(mgr, 'GET', `/api/v1/cases/${c1.children[0].case_id}`));
    assert.equal(k1.allocated_team_id, Math.min(teamA, teamB)); // the recorder's first team
    // No one holds Eli's case, so the manager has no work with Eli yet: reading
    // the case to pick it up takes a reason (need-to-know).
    assert.equal((await plain.api(mgr, 'GET', `/api/v1/cases/${c2.children[0].case_id}`)).status, 403);
    await ok(await plain.api(mgr, 'POST', `/api/v1/people/${p2.id}/break-glass`,
      { reason: 'duty_cover', detail: 'Unallocated work in the team tray.' }), 201);
    const k2 = await ok(await plain.api(mgr, 'GET', `/api/v1/cases/${c2.children[0].case_id}`));
    assert.equal(k2.allocated_team_id, null); // recorded by someone in no team
    const trayOf = async (team) => (await ok(await plain.api(mgr, 'GET', `/api/v1/teams/${team}/tray`))).tasks.map((k) => k.case_id);
    assert.deepEqual(await trayOf(teamA), [k1.id, k2.id].sort((x, y) => x - y));
    assert.deepEqual(await trayOf(teamB), [k2.id]);
  } finally {
    await plain.stop();
  }
});

test('a children\'s front-door decision of early help opens an early help case for the child, waiting in the duty team\'s tray', async () => {
  const p = await person('Fin', 'Ashdown');
  const c = await ok(await contact('wes', [p.id], daysAgo(1)), 201);
  const childrenCase = c.children[0].case_id;
  const before = Number(sql(server.db, 'select count(*) from cases'));
  await ok(await as('wes')('POST', `/api/v1/contacts/${c.id}/decisions`, {
    person_id: p.id, outcome: 'early_help', answers: { parents_aware: true, decision_reason: 'Family support needed.' },
  }));
  assert.equal(Number(sql(server.db, 'select count(*) from cases')), before + 1);
  const cases = await ok(await as('mia')('GET', `/api/v1/people/${p.id}/cases`));
  const list = cases.cases ?? cases;
  const eh = list.find((k) => k.pathway === 'early_help');
  assert.ok(eh, JSON.stringify(list));
  assert.equal(list.find((k) => k.id === childrenCase).status, 'closed');
  assert.equal(eh.status, 'open');
  assert.equal(eh.contact_id, c.id);
  assert.equal(eh.allocated_team_id, ids.fd);
  assert.deepEqual(eh.steps.map((s) => [s.step, s.status]), [['request', 'open']]);
  const request = await ok(await as('mia')('GET', `/api/v1/steps/${eh.steps[0].id}`));
  assert.equal(request.answers.requested_by, 'Hill School');
  assert.equal(request.answers.needs, 'Not collected from school.');
  assert.equal(request.answers.referral_source, '3A');
  assert.equal(request.answers.child, p.id);
  const tray = await ok(await as('mia')('GET', `/api/v1/teams/${ids.fd}/tray`));
  assert.deepEqual(tray.tasks.filter((k) => k.case_id === eh.id).map((k) => [k.step, k.allocated_user_id]), [['request', null]]);
  // Other decisions hand nothing on.
  const q = await person('Gia', 'Ashdown');
  const c2 = await ok(await contact('wes', [q.id], daysAgo(1)), 201);
  const n = Number(sql(server.db, 'select count(*) from cases'));
  await ok(await as('wes')('POST', `/api/v1/contacts/${c2.id}/decisions`, {
    person_id: q.id, outcome: 'nfa', answers: { parents_aware: true, decision_reason: 'No concern.' },
  }));
  assert.equal(Number(sql(server.db, 'select count(*) from cases')), n);
});

test('a manager gives a single task to another worker, with a reason: it moves trays and workload, and comes back', async () => {
  const p = await person('Hal', 'Brackley');
  const c = await ok(await contact('wes', [p.id], daysAgo(1)), 201);
  const caseId = c.children[0].case_id;
  await ok(await as('mia')('POST', `/api/v1/cases/${caseId}/allocation`, { user_id: ids.gus, team_id: ids.fd, reason: 'Duty' }));
  const stepId = (await ok(await as('mia')('GET', `/api/v1/cases/${caseId}`))).steps[0].id;
  const trayHas = async (who) => (await ok(await as(who)('GET', '/api/v1/tray'))).tasks.some((k) => k.step_id === stepId);
  const load = async (team, user) => (await ok(await as('mia')('GET', `/api/v1/teams/${team}/workload`))).workers.find((w) => w.user_id === user);
  const gus0 = await load(ids.fd, ids.gus), wes0 = await load(ids.loc, ids.wes);

  // Reason required; a worker may not.
  let res = await as('mia')('POST', `/api/v1/steps/${stepId}/allocation`, { user_id: ids.wes, reason: '' });
  assert.equal(res.status, 422);
  assert.equal(res.body_.field, 'reason');
  assert.equal((await as('wes')('POST', `/api/v1/steps/${stepId}/allocation`, { user_id: ids.wes, reason: 'Mine' })).status, 403);
  const step = await ok(await as('mia')('POST', `/api/v1/steps/${stepId}/allocation`, { user_id: ids.wes, reason: 'Wes knows the family' }));
  assert.equal(step.assigned_user_id, ids.wes);
  assert.equal(sql(server.db, `select user_id || '|' || reason from step_allocations where step_id = ${stepId} and to_at is null`), `${ids.wes}|Wes knows the family`);
  assert.equal(sql(server.db, `select count(*) from audit where action = 'step.allocate' and reason = 'Wes knows the family'`), '1');

  // Wes's tray has it; Gus (the case's worker) no longer does.
  assert.equal(await trayHas('wes'), true);
  const gusWeb = server.client();
  assert.equal((await gusWeb.signIn('gus', pw.gus)).status, 303);
  assert.doesNotMatch((await gusWeb.get('/tray')).text_, /Hal Brackley/);
  // Both teams' trays list it once, with who has it.
  for (const team of [ids.fd, ids.loc]) {
    const tray = await ok(await as('mia')('GET', `/api/v1/teams/${team}/tray`));
    assert.deepEqual(tray.tasks.filter((k) => k.step_id === stepId).map((k) => [k.assigned_user_id, k.allocated_user_id]), [[ids.wes, ids.gus]], `team ${team}`);
  }
  // The task counts for Wes; the case stays Gus's.
  const gus1 = await load(ids.fd, ids.gus), wes1 = await load(ids.loc, ids.wes);
  assert.deepEqual([gus1.open_cases, gus1.open_tasks], [gus0.open_cases, gus0.open_tasks - 1]);
  assert.deepEqual([wes1.open_cases, wes1.open_tasks], [wes0.open_cases, wes0.open_tasks + 1]);

  // The step page offers the same to a manager; a missing reason names the field.
  const web = server.client();
  assert.equal((await web.signIn('mia.web', pw.mia)).status, 303);
  let page = await web.get(`/steps/${stepId}`);
  assert.match(page.text_, /Reallocate this task/);
  const csrf = await web.csrf();
  res = await web.postForm(`/steps/${stepId}/allocation`, { csrf_token: csrf, allocation_user_id: '', allocation_reason: '' });
  assert.equal(res.status, 422);
  assert.match(res.text_, /<a href="#allocation_reason">/);
  // Back to the case's worker.
  res = await web.postForm(`/steps/${stepId}/allocation`, { csrf_token: csrf, allocation_user_id: '', allocation_reason: 'Wes is off sick' });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), `/cases/${caseId}`);
  assert.equal(sql(server.db, `select coalesce(assigned_user_id, 'none') from case_steps where id = ${stepId}`), 'none');
  assert.equal(await trayHas('wes'), false);
  assert.match((await gusWeb.get('/tray')).text_, /Hal Brackley/);

  // Once done, a task stays where it was done.
  await ok(await as('wes')('POST', `/api/v1/contacts/${c.id}/decisions`, {
    person_id: p.id, outcome: 'nfa', answers: { parents_aware: true, decision_reason: 'No concern.' },
  }));
  res = await as('mia')('POST', `/api/v1/steps/${stepId}/allocation`, { user_id: ids.wes, reason: 'Late' });
  assert.equal(res.status, 409);
});
