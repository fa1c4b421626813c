// The children's pathway end to end through the API: a contact about two
// children received before Easter 2026, decided per child (one given advice,
// one referred); a decision missing mandatory fields refused with every one
// named and nothing changed; referral, strategy discussion and a child and
// family assessment side by side; a section 47 enquiry returned by a manager
// and then authorised; an initial child protection conference completed late
// (the server's clock moved with CASEWORK_CLOCK_OFFSET_SECONDS) so the core
// group's due date counts from when it actually happened; the plan, two
// review conferences (copy-forward of the category), closure with a DfE RC
// code authorised by a manager; a completed step changed as a new version
// with the old kept; and the audit rows. Every due instant is checked against
// a value worked out here from the bank holiday files, not by the server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { Server, tokenFor, ok } from './lib.mjs';

function sql(db, query) {
  const r = spawnSync('sqlite3', [db, query], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

// --- an independent working-day calendar ------------------------------------

const HOLIDAYS = new Set(['bank-holidays-england-and-wales.txt', 'local-closures.txt'].flatMap((f) =>
  readFileSync(new URL(`../../config/calendar/${f}`, import.meta.url), 'utf8').split('\n')
    .map((l) => l.trim()).filter((l) => /^\d{4}-\d{2}-\d{2}\s/.test(l)).map((l) => l.slice(0, 10))));

const londonFmt = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23',
});
// The London civil date ('YYYY-MM-DD') and hour of an instant.
function london(iso) {
  const parts = Object.fromEntries(londonFmt.formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
  return { day: `${parts.year}-${parts.month}-${parts.day}`, hour: Number(parts.hour) };
}
const utcDay = (day) => new Date(`${day}T00:00:00Z`);
const dayStr = (d) => d.toISOString().slice(0, 10);
function addDays(day, n) { const d = utcDay(day); d.setUTCDate(d.getUTCDate() + n); return dayStr(d); }
const working = (day) => ![0, 6].includes(utcDay(day).getUTCDay()) && !HOLIDAYS.has(day);
function addWorkingDays(day, n) {
  let d = day;
  for (let i = 0; i < n;) { d = addDays(d, 1); if (working(d)) i++; }
  return d;
}
function addMonths(day, n) {
  const [y, m, dd] = day.split('-').map(Number);
  const total = y * 12 + (m - 1) + n;
  const ny = Math.floor(total / 12), nm = total % 12;
  const last = new Date(Date.UTC(ny, nm + 1, 0)).getUTCDate();
  return dayStr(new Date(Date.UTC(ny, nm, Math.min(dd, last))));
}
// 23:59:59 London time on a civil date, as the API writes instants.
function endOfLondonDay(day) {
  let t = Date.parse(`${day}T23:59:59Z`);
  if (london(new Date(t).toISOString()).day !== day) t -= 3600 * 1000; // British Summer Time
  return new Date(t).toISOString().replace('.000Z', 'Z');
}
const dueWorking = (fromIso, n) => endOfLondonDay(addWorkingDays(london(fromIso).day, n));
const dueMonths = (fromIso, n) => endOfLondonDay(addMonths(london(fromIso).day, n));

test('the independent calendar agrees with known dates', () => {
  assert.equal(addWorkingDays('2026-04-02', 1), '2026-04-07'); // Good Friday, weekend, Easter Monday
  assert.equal(endOfLondonDay('2026-04-07'), '2026-04-06T22:59:59Z'.replace('06', '07'));
  assert.equal(endOfLondonDay('2026-12-01'), '2026-12-01T23:59:59Z');
  assert.equal(addMonths('2026-11-30', 3), '2027-02-28');
  assert.equal(addWorkingDays('2026-12-24', 1), '2026-12-29'); // Christmas, weekend, Boxing Day substitute
});

// --- the server ----------------------------------------------------------------

let server, pat, mo, max, ivy;
let ids = {};

function api(token) { return (method, p, body) => server.api(token, method, p, body); }
let tokens;

before(async () => {
  server = await new Server().start();
  tokens = {
    pat: await tokenFor(server, 'pat', 'practitioner'),
    mo: await tokenFor(server, 'morag', 'manager'),
    max: await tokenFor(server, 'max', 'manager'),
    ivy: await tokenFor(server, 'ivy', 'auditor'),
    root: await tokenFor(server, 'root', 'administrator'),
  };
  pat = api(tokens.pat); mo = api(tokens.mo); max = api(tokens.max); ivy = api(tokens.ivy);
  ids.pat = Number(sql(server.db, "select id from users where username = 'pat'"));
  ids.mo = Number(sql(server.db, "select id from users where username = 'morag'"));
});

after(async () => { await server.stop(); });

async function restartWithOffset(seconds) {
  const old = server;
  await old.stop({ keep: true });
  server = await new Server({ dir: old.dir, env: { CASEWORK_CLOCK_OFFSET_SECONDS: String(seconds) } }).start();
}

const stepOf = (c, step, status) => c.steps.filter((s) => s.step === step && (!status || s.status === status)).at(-1);
const auditCount = (action) => Number(sql(server.db, `select count(*) from audit where action = '${action}'`));

test('the whole children pathway, contact to closure', async () => {
  // Two children of one family; Amy has a date of birth and an ethnicity to pre-fill.
  const amy = await ok(await pat('POST', '/api/v1/people', {
    forenames: 'Amy', surname: 'Lee', dob: '2018-05-04', ethnicity: 'WBRI', confirm_new: true,
  }), 201);
  const ben = await ok(await pat('POST', '/api/v1/people', {
    forenames: 'Ben', surname: 'Lee', dob: '2020-02-01', confirm_new: true,
  }), 201);

  // --- contact: received the Thursday before Easter, due after the bank holidays
  const received = '2026-04-02T15:30:00Z';
  const contact = await ok(await pat('POST', '/api/v1/contacts', {
    received_at: received,
    children: [{ person_id: amy.id }, { person_id: ben.id }],
    referrer: { name: 'Jo Hart', role: 'Designated safeguarding lead', organisation: 'Hill School', contact: '01632 960000' },
    source: '3A',
    concern: 'Amy came to school with bruising to her arm.',
  }), 201);
  assert.equal(contact.children.length, 2);
  assert.equal(contact.received_at, received);
  const contactDue = '2026-04-07T22:59:59Z'; // Tuesday after Easter Monday, 23:59:59 BST
  assert.equal(dueWorking(received, 1), contactDue);
  for (const ch of contact.children) {
    const c = await ok(await pat('GET', `/api/v1/cases/${ch.case_id}`));
    assert.equal(c.status, 'open');
    assert.equal(c.pathway, 'children');
    assert.equal(c.version, 3); // new cases take the newest definition
    assert.equal(c.steps.length, 1);
    const s = c.steps[0];
    assert.equal(s.step, 'contact');
    assert.equal(s.started_at, received);
    assert.equal(s.due_at, contactDue);
    assert.equal(s.overdue, true);
    // From the contact and the person record.
    assert.equal(s.answers.child, ch.person_id);
    assert.equal(s.answers.referral_source, '3A');
    assert.equal(s.answers.referrer, 'Jo Hart (Designated safeguarding lead), Hill School');
    assert.equal(s.answers.referrer_contact, '01632 960000');
    assert.equal(s.answers.concern, 'Amy came to school with bruising to her arm.');
  }
  const amyCase = contact.children.find((c) => c.person_id === amy.id).case_id;
  const benCase = contact.children.find((c) => c.person_id === ben.id).case_id;
  assert.equal((await ok(await pat('GET', `/api/v1/cases/${amyCase}`))).steps[0].answers.dob, '2018-05-04');

  // --- a decision missing mandatory fields: 422 naming every one, nothing changed
  const auditBefore = sql(server.db, 'select count(*) from audit');
  let res = await pat('POST', `/api/v1/contacts/${contact.id}/decisions`, { person_id: amy.id, outcome: 'referral' });
  assert.equal(res.status, 422);
  assert.equal(res.headers.get('content-type'), 'application/problem+json');
  assert.deepEqual(res.body_.missing, ['parents_aware', 'decision_reason']);
  assert.equal(res.body_.field, 'parents_aware');
  assert.match(res.body_.detail, /parents_aware, decision_reason/);
  assert.equal(sql(server.db, `select status || '|' || coalesce(outcome, '') from case_steps where case_id = ${amyCase}`), 'open|');
  assert.equal(sql(server.db, 'select count(*) from audit'), auditBefore);
  // An unknown outcome or field is named too.
  res = await pat('POST', `/api/v1/contacts/${contact.id}/decisions`, { person_id: amy.id, outcome: 'adopt' });
  assert.equal(res.status, 422);
  assert.equal(res.body_.field, 'outcome');
  res = await pat('POST', `/api/v1/contacts/${contact.id}/decisions`, { person_id: amy.id, outcome: 'referral', answers: { colour: 'red' } });
  assert.equal(res.status, 422);
  assert.equal(res.body_.field, 'colour');
  res = await pat('POST', `/api/v1/contacts/${contact.id}/decisions`, { person_id: amy.id, outcome: 'referral', answers: { parents_aware: 'maybe' } });
  assert.equal(res.status, 422);
  assert.equal(res.body_.field, 'parents_aware');

  // --- decided per child: advice for Ben (his case closes), a referral for Amy
  await ok(await pat('POST', `/api/v1/contacts/${contact.id}/decisions`, {
    person_id: ben.id, outcome: 'information_advice',
    answers: { parents_aware: true, decision_reason: 'No concern about Ben; advice to the school.' },
  }));
  let ben1 = await ok(await pat('GET', `/api/v1/cases/${benCase}`));
  assert.equal(ben1.status, 'closed');
  assert.equal(ben1.closure_reason, 'information_advice');
  assert.equal(ben1.steps.length, 1);
  // A second decision for the same child is refused.
  res = await pat('POST', `/api/v1/contacts/${contact.id}/decisions`, { person_id: ben.id, outcome: 'nfa', answers: {} });
  assert.equal(res.status, 409);

  const decided = await ok(await pat('POST', `/api/v1/contacts/${contact.id}/decisions`, {
    person_id: amy.id, outcome: 'referral',
    answers: { parents_aware: true, consent: true, decision_reason: 'Unexplained bruising: referral.' },
  }));
  assert.deepEqual(decided.children.map((c) => c.decision), ['referral', 'information_advice']);
  let c = await ok(await pat('GET', `/api/v1/cases/${amyCase}`));
  const contactStep = stepOf(c, 'contact');
  assert.equal(contactStep.status, 'completed');
  assert.equal(contactStep.completed_by, ids.pat);
  const referral = stepOf(c, 'referral');
  assert.equal(referral.status, 'open');
  assert.equal(referral.started_at, contactStep.completed_at);
  assert.equal(referral.due_at, dueWorking(referral.started_at, 1)); // $referral_within
  assert.equal(referral.answers.ethnicity, 'WBRI'); // prefilled from the person record

  // --- referral: a draft first (mandatory not enforced), then strategy discussion + assessment
  await ok(await pat('PUT', `/api/v1/steps/${referral.id}/answers`, { answers: { upn: '' } }));
  assert.equal(sql(server.db, `select status from case_steps where id = ${referral.id}`), 'draft');
  await ok(await pat('POST', `/api/v1/steps/${referral.id}/complete`, {
    outcome: 'strategy_discussion', answers: { summary: 'Bruising; a strategy discussion is needed.', primary_need: 'N1' },
  }));
  c = await ok(await pat('GET', `/api/v1/cases/${amyCase}`));
  const strategy = stepOf(c, 'strategy_discussion');
  const assessment = stepOf(c, 'assessment');
  assert.equal(strategy.due_at, dueWorking(strategy.started_at, 1));
  assert.equal(assessment.due_at, dueWorking(referral.started_at, 45)); // from the referral, not its completion

  // --- strategy discussion -> section 47
  await ok(await pat('POST', `/api/v1/steps/${strategy.id}/complete`, {
    outcome: 'section47',
    answers: {
      held_at: '2026-11-20T10:00:00Z', attendees: 'Social care, police, school nurse', police_attended: true,
      health_attended: true, information: 'Police checks; health history.', decision_reason: 'Threshold met.',
    },
  }));
  c = await ok(await pat('GET', `/api/v1/cases/${amyCase}`));
  const strategyDone = stepOf(c, 'strategy_discussion');
  const s47 = stepOf(c, 'section47');
  assert.equal(s47.due_at, dueWorking(strategyDone.completed_at, 15));

  // --- the case is allocated to Pat in the locality team Morag and Max manage
  // (need-to-know: the managers see it as their team's case)
  const locality = await ok(await api(tokens.root)('POST', '/api/v1/teams', { name: 'Locality Team' }), 201);
  const maxId = Number(sql(server.db, "select id from users where username = 'max'"));
  for (const u of [ids.pat, ids.mo, maxId])
    await ok(await api(tokens.root)('PATCH', `/api/v1/users/${u}`, { teams: [locality.id] }));
  await ok(await mo('POST', `/api/v1/cases/${amyCase}/allocation`, { user_id: ids.pat, team_id: locality.id, reason: 'Section 47' }));

  // --- the assessment needs authorisation: a manager, not the worker
  await ok(await pat('POST', `/api/v1/steps/${assessment.id}/complete`, {
    outcome: 'section47_continues',
    answers: { started_on: '2026-04-07', child_seen: true, child_views: 'Amy says she fell.', analysis: 'Inconsistent account.', factors: ['3A'], primary_need: 'N1' },
  }));
  assert.equal(sql(server.db, `select status from case_steps where id = ${assessment.id}`), 'awaiting_authorisation');
  res = await pat('POST', `/api/v1/steps/${assessment.id}/authorise`, { decision: 'approve' });
  assert.equal(res.status, 403); // a practitioner cannot authorise
  await ok(await max('POST', `/api/v1/steps/${assessment.id}/authorise`, { decision: 'approve' }));
  const assessed = await ok(await pat('GET', `/api/v1/steps/${assessment.id}`));
  assert.equal(assessed.status, 'completed');
  assert.equal(assessed.completed_by, ids.pat);
  assert.ok(assessed.authorised_by);
  assert.equal(assessed.completed_at, assessed.authorised_at);

  // --- section 47: returned with a note, then authorised
  const s47answers = { started_on: '2026-11-20', child_seen: true, findings: 'Non-accidental injury likely.', significant_harm: true };
  await ok(await pat('POST', `/api/v1/steps/${s47.id}/complete`, { outcome: 'icpc', answers: s47answers }));
  res = await mo('POST', `/api/v1/steps/${s47.id}/authorise`, { decision: 'return' });
  assert.equal(res.status, 422);
  assert.equal(res.body_.field, 'note');
  await ok(await mo('POST', `/api/v1/steps/${s47.id}/authorise`, { decision: 'return', note: 'Add who saw Amy.' }));
  let s47now = await ok(await pat('GET', `/api/v1/steps/${s47.id}`));
  assert.equal(s47now.status, 'draft');
  assert.equal(s47now.outcome, null);
  assert.equal(stepOf(await ok(await pat('GET', `/api/v1/cases/${amyCase}`)), 'icpc'), undefined);
  await ok(await pat('POST', `/api/v1/steps/${s47.id}/complete`, {
    outcome: 'icpc', answers: { findings: 'Seen alone by Pat. Non-accidental injury likely.' },
  }));
  await ok(await mo('POST', `/api/v1/steps/${s47.id}/authorise`, { decision: 'approve', note: 'Agreed.' }));
  c = await ok(await pat('GET', `/api/v1/cases/${amyCase}`));
  s47now = stepOf(c, 'section47');
  assert.equal(s47now.status, 'completed');
  assert.equal(s47now.authorised_by, ids.mo);
  const icpc = stepOf(c, 'icpc');
  assert.equal(icpc.started_at, s47now.completed_at);
  // 15 working days from the start of the section 47 enquiry.
  assert.equal(icpc.due_at, dueWorking(s47now.started_at, 15));
  assert.equal(icpc.overdue, false);

  // --- 40 days later: the conference is late; the core group counts from when it was held
  await restartWithOffset(40 * 86400);
  c = await ok(await pat('GET', `/api/v1/cases/${amyCase}`));
  assert.equal(stepOf(c, 'icpc').overdue, true);
  res = await pat('POST', `/api/v1/steps/${icpc.id}/complete`, { outcome: 'cp_plan' });
  assert.equal(res.status, 403); // the conference is a manager's step
  await ok(await mo('POST', `/api/v1/steps/${icpc.id}/complete`, {
    outcome: 'cp_plan',
    answers: { held_on: '2027-01-04', chair: 'Chris Chair', parents_attended: true, child_views: 'Wants to stay at home.', plan_needed: true, initial_category: 'PHY', previous_plans: 0, decision_reason: 'Risk of physical harm.' },
  }));
  c = await ok(await pat('GET', `/api/v1/cases/${amyCase}`));
  const icpcDone = stepOf(c, 'icpc');
  assert.ok(Date.parse(icpcDone.completed_at) > Date.parse(icpcDone.due_at), 'completed late');
  const cpPlan = stepOf(c, 'cp_plan');
  assert.equal(cpPlan.due_at, dueWorking(icpcDone.completed_at, 10));

  // --- the plan; then a change after completion is a new version with the old kept
  await ok(await pat('POST', `/api/v1/steps/${cpPlan.id}/complete`, {
    outcome: 'reviews', answers: { core_group: 'Mum, school, GP', plan: 'Weekly visits.' },
  }));
  res = await pat('PUT', `/api/v1/steps/${cpPlan.id}/answers`, { answers: { plan: 'Twice-weekly visits.' } });
  assert.equal(res.status, 422);
  assert.equal(res.body_.field, 'reason');
  res = await pat('PUT', `/api/v1/steps/${cpPlan.id}/answers`, { answers: { plan: null }, reason: 'Oops' });
  assert.equal(res.status, 422);
  assert.equal(res.body_.field, 'plan');
  const amended = await ok(await pat('PUT', `/api/v1/steps/${cpPlan.id}/answers`, {
    answers: { plan: 'Twice-weekly visits.' }, reason: 'Core group changed the visiting pattern',
  }));
  assert.equal(amended.version, 2);
  assert.equal(amended.status, 'completed');
  assert.equal(amended.answers.plan, 'Twice-weekly visits.');
  assert.deepEqual(amended.versions.map((v) => [v.version, v.answers.plan, v.reason]), [
    [1, 'Weekly visits.', null], [2, 'Twice-weekly visits.', 'Core group changed the visiting pattern']]);

  // --- review conferences: first 3 months from the initial conference, then 6 months
  c = await ok(await pat('GET', `/api/v1/cases/${amyCase}`));
  const review1 = stepOf(c, 'review_conference');
  assert.equal(review1.due_at, dueMonths(icpcDone.completed_at, 3));
  const review = (cat, cont) => ({ held_on: '2027-01-05', latest_category: cat, progress: 'Some.', child_views: 'Happier.', plan_continues: cont });
  await ok(await mo('POST', `/api/v1/steps/${review1.id}/complete`, { outcome: 'continue', answers: review('NEG', true) }));
  c = await ok(await pat('GET', `/api/v1/cases/${amyCase}`));
  const review1Done = c.steps.find((s) => s.id === review1.id);
  const review2 = stepOf(c, 'review_conference', 'open');
  assert.notEqual(review2.id, review1.id);
  assert.equal(review2.due_at, dueMonths(review1Done.completed_at, 6));
  assert.equal(review2.answers.latest_category, 'NEG'); // copied forward
  await ok(await mo('POST', `/api/v1/steps/${review2.id}/complete`, {
    outcome: 'close', answers: { held_on: '2027-01-06', progress: 'Good.', child_views: 'Safe.', plan_continues: false },
  }));

  // --- closure: a DfE closure reason, authorised by a manager
  c = await ok(await pat('GET', `/api/v1/cases/${amyCase}`));
  const closure = stepOf(c, 'closure');
  assert.equal(closure.due_at, null);
  const closeAnswers = { closed_on: '2027-01-06', summary: 'Plan ended; family engaging.', family_told: true };
  res = await pat('POST', `/api/v1/steps/${closure.id}/complete`, { outcome: 'closed', answers: closeAnswers });
  assert.equal(res.status, 422);
  assert.equal(res.body_.field, 'closure_reason');
  res = await pat('POST', `/api/v1/steps/${closure.id}/complete`, { outcome: 'closed', answers: closeAnswers, closure_reason: 'RC99' });
  assert.equal(res.status, 422);
  await ok(await pat('POST', `/api/v1/steps/${closure.id}/complete`, { outcome: 'closed', answers: closeAnswers, closure_reason: 'RC8' }));
  assert.equal((await ok(await pat('GET', `/api/v1/cases/${amyCase}`))).status, 'open'); // until authorised
  await ok(await mo('POST', `/api/v1/steps/${closure.id}/authorise`, { decision: 'approve' }));
  c = await ok(await ivy('GET', `/api/v1/cases/${amyCase}`)); // the auditor reads
  assert.equal(c.status, 'closed');
  assert.equal(c.closure_reason, 'RC8');
  assert.ok(c.steps.every((s) => ['completed', 'cancelled'].includes(s.status)));
  assert.deepEqual(c.steps.map((s) => s.step), ['contact', 'referral', 'strategy_discussion', 'assessment',
    'section47', 'icpc', 'cp_plan', 'review_conference', 'review_conference', 'closure']);

  // Both of the family's cases, newest first, from the person.
  const amyCases = await ok(await pat('GET', `/api/v1/people/${amy.id}/cases`));
  assert.deepEqual(amyCases.cases.map((x) => x.id), [amyCase]);

  // --- the chronology shows the contact, each step and its outcome
  const chron = await ok(await pat('GET', `/api/v1/people/${amy.id}/chronology?types=case`));
  const titles = chron.events.map((ev) => ev.title);
  assert.ok(titles.some((t) => t.startsWith('Contact received from Jo Hart (')), titles.join('\n'));
  for (const t of ['Contact and front-door decision: Referral to children\'s social care',
    'Initial child protection conference: Child protection plan',
    'Review child protection conference started', 'Case closure: Close the case',
    'Child and family assessment: Concluded while a section 47 enquiry continues: it decides what happens next'])
    assert.ok(titles.includes(t), `${t} in\n${titles.join('\n')}`);
  assert.equal(chron.events.find((ev) => ev.title === 'Case closure: Close the case').text, 'Closure reason: RC8');

  // --- audit: each write in its transaction, named
  for (const [action, n] of [['contact.create', 2], ['case.create', 2], ['contact.decide', 2], ['step.save', 1],
    ['step.amend', 1], ['step.authorise', 4], ['case.close', 2]])
    assert.equal(auditCount(action), n, action);
  assert.ok(auditCount('step.complete') >= 11);
  assert.equal(sql(server.db, `select count(*) from audit where action = 'case.view' and actor_id = (select id from users where username = 'ivy')`), '1');
  // The definition the cases started on is stored with them.
  assert.equal(sql(server.db, "select pathway || ' v' || version from workflow_definitions"), 'children v3');
});

test('contacts refuse bad input, naming the field, and the auditor cannot write', async () => {
  const p = await ok(await pat('POST', '/api/v1/people', { forenames: 'Cal', surname: 'Moss', confirm_new: true }), 201);
  const good = { children: [{ person_id: p.id }], referrer: { name: 'GP' }, source: '5A', concern: 'Worried.' };
  for (const [body, field] of [
    [{ ...good, source: 'ZZ' }, 'source'],
    [{ ...good, children: [] }, 'children'],
    [{ ...good, children: [{ person_id: 999999 }] }, 'children'],
    [{ ...good, referrer: { name: '' } }, 'referrer_name'],
    [{ ...good, referrer: { nom: 'x' } }, 'referrer.nom'],
    [{ ...good, received_at: '2999-01-01T00:00:00Z' }, 'received_at'],
    [{ ...good, received_at: 'yesterday' }, 'received_at'],
    [{ ...good, pathway: 'pets' }, 'pathway'],
    [{ ...good, concern: undefined }, 'concern'],
  ]) {
    const res = await pat('POST', '/api/v1/contacts', body);
    assert.equal(res.status, 422, JSON.stringify(body));
    assert.equal(res.body_.field, field, JSON.stringify(res.body_));
  }
  assert.equal((await ivy('POST', '/api/v1/contacts', good)).status, 403);
  assert.equal((await pat('GET', '/api/v1/cases/999999')).status, 404);
  assert.equal((await pat('GET', '/api/v1/steps/999999')).status, 404);
});

test('the adults and early help front doors fill their own fields from the contact', async () => {
  const p = await ok(await pat('POST', '/api/v1/people', { forenames: 'Eve', surname: 'Ash', dob: '1940-01-01', confirm_new: true }), 201);
  for (const [pathway, first, referrerField, concernField] of [
    ['adults', 'contact', 'contact_from', 'reason'], ['early_help', 'request', 'requested_by', 'needs']]) {
    const contact = await ok(await pat('POST', '/api/v1/contacts', {
      pathway, children: [{ person_id: p.id }], referrer: { name: 'Neighbour' }, source: '1B', concern: 'Struggling at home.',
    }), 201);
    const c = await ok(await pat('GET', `/api/v1/cases/${contact.children[0].case_id}`));
    assert.equal(c.pathway, pathway);
    assert.equal(c.steps[0].step, first);
    assert.equal(c.steps[0].answers[referrerField], 'Neighbour');
    assert.equal(c.steps[0].answers[concernField], 'Struggling at home.');
  }
});

test('a manager allocates and reallocates a case, with a reason; the history and chronology keep each', async () => {
  const root = api(tokens.root);
  const p = await ok(await pat('POST', '/api/v1/people', { forenames: 'Fay', surname: 'Oak', confirm_new: true }), 201);
  const contact = await ok(await pat('POST', '/api/v1/contacts', {
    children: [{ person_id: p.id }], referrer: { name: 'Health visitor' }, source: '5B', concern: 'Missed appointments.',
  }), 201);
  const caseId = contact.children[0].case_id;
  const team = await ok(await root('POST', '/api/v1/teams', { name: 'Assessment Team 1' }), 201);
  await ok(await root('PATCH', `/api/v1/users/${ids.pat}`, { teams: [team.id] }));
  await ok(await root('PATCH', `/api/v1/users/${ids.mo}`, { teams: [team.id] })); // the team's manager
  let res = await pat('POST', `/api/v1/cases/${caseId}/allocation`, { user_id: ids.pat, reason: 'Mine' });
  assert.equal(res.status, 403);
  for (const [body, field] of [[{ user_id: ids.pat }, 'reason'], [{ reason: 'x' }, 'user_id'],
    [{ user_id: 999999, reason: 'x' }, 'user_id'],
    [{ user_id: Number(sql(server.db, "select id from users where username = 'max'")), team_id: team.id, reason: 'x' }, 'team_id']]) {
    res = await mo('POST', `/api/v1/cases/${caseId}/allocation`, body);
    assert.equal(res.status, 422, JSON.stringify(res.body_));
    assert.equal(res.body_.field, field);
  }
  let c = await ok(await mo('POST', `/api/v1/cases/${caseId}/allocation`, { user_id: ids.pat, team_id: team.id, reason: 'Duty allocation' }));
  assert.equal(c.allocated_user_id, ids.pat);
  assert.equal(c.allocated_team_id, team.id);
  c = await ok(await mo('POST', `/api/v1/cases/${caseId}/allocation`, { user_id: ids.mo, reason: 'Pat on leave' }));
  assert.equal(c.allocated_user_id, ids.mo);
  assert.equal(c.allocated_team_id, null);
  assert.equal(sql(server.db, `select group_concat(coalesce(user_id, '') || '|' || (to_at is null) || '|' || reason, ';') from allocations where case_id = ${caseId}`),
    // (Pat is in the locality team from the first test: the new case was held
    // by that team until Morag allocated it.)
    `|0|New work: held by the recording worker's team until allocated;${ids.pat}|0|Duty allocation;${ids.mo}|1|Pat on leave`);
  assert.equal(sql(server.db, `select count(*) from audit where action = 'case.allocate' and reason = 'Pat on leave'`), '1');
  const chron = await ok(await pat('GET', `/api/v1/people/${p.id}/chronology?types=case`));
  assert.ok(chron.events.some((ev) => ev.title === 'Allocated to Test pat, Assessment Team 1' && ev.text === 'Duty allocation'),
    chron.events.map((ev) => ev.title).join('\n'));
});

test('trays by due date with overdue marked, a manager\'s authorisations, and a team\'s workload', async () => {
  const root = api(tokens.root);
  const team = await ok(await root('POST', '/api/v1/teams', { name: 'Assessment Team 2' }), 201);
  await ok(await root('PATCH', `/api/v1/users/${ids.pat}`, { teams: [team.id] }));
  await ok(await root('PATCH', `/api/v1/users/${ids.mo}`, { teams: [team.id] }));
  const p = await ok(await pat('POST', '/api/v1/people', { forenames: 'Gil', surname: 'Birch', confirm_new: true }), 201);
  const received = new Date(Date.now() - 10 * 86400 * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  const contact = await ok(await pat('POST', '/api/v1/contacts', {
    received_at: received, children: [{ person_id: p.id }], referrer: { name: 'Police' }, source: '4', concern: 'Domestic incident.',
  }), 201);
  const caseId = contact.children[0].case_id;
  await ok(await mo('POST', `/api/v1/cases/${caseId}/allocation`, { user_id: ids.pat, team_id: team.id, reason: 'Front door' }));

  const mine = async (who) => (await ok(await who('GET', '/api/v1/tray'))).tasks.filter((t) => t.case_id === caseId);
  let tasks = await mine(pat);
  assert.deepEqual(tasks.map((t) => [t.step, t.status, t.overdue, t.to_authorise]), [['contact', 'open', true, false]]);
  assert.equal(tasks[0].due_at, dueWorking(received, 1));
  assert.equal(tasks[0].person_name, 'Gil Birch');

  await ok(await pat('POST', `/api/v1/contacts/${contact.id}/decisions`, {
    person_id: p.id, outcome: 'referral', answers: { parents_aware: true, decision_reason: 'Referral.' },
  }));
  const referral = (await mine(pat))[0];
  assert.equal(referral.step, 'referral');
  await ok(await pat('POST', `/api/v1/steps/${referral.step_id}/complete`, { outcome: 'assessment', answers: { summary: 'Assess.', primary_need: 'N4' } }));
  const assessment = (await mine(pat))[0];
  assert.equal(assessment.step, 'assessment');
  assert.equal(assessment.overdue, false);
  assert.equal(assessment.due_today, london(assessment.due_at).day === london(new Date().toISOString()).day);
  await ok(await pat('POST', `/api/v1/steps/${assessment.step_id}/complete`, {
    outcome: 'nfa', answers: { started_on: '2026-01-05', child_seen: true, child_views: 'Fine.', analysis: 'No needs.', factors: ['21'], primary_need: 'N9' },
  }));
  assert.deepEqual(await mine(pat), []); // waiting for the manager now
  tasks = await mine(mo);
  assert.deepEqual(tasks.map((t) => [t.step, t.status, t.to_authorise]), [['assessment', 'awaiting_authorisation', true]]);
  assert.deepEqual(await mine(max), []); // not in the team

  const teamTray = await ok(await mo('GET', `/api/v1/teams/${team.id}/tray`));
  assert.deepEqual(teamTray.tasks.filter((t) => t.case_id === caseId).map((t) => t.step), ['assessment']);
  assert.equal((await pat('GET', `/api/v1/teams/${team.id}/tray`)).status, 403);

  const load = await ok(await mo('GET', `/api/v1/teams/${team.id}/workload`));
  const patRow = load.workers.find((w) => w.user_id === ids.pat);
  assert.deepEqual([patRow.open_cases, patRow.open_tasks, patRow.overdue_tasks, patRow.weighted_caseload], [1, 1, 0, 1]);
  // The team total is its workers' plus the cases in its tray no worker holds.
  for (const k of ['open_cases', 'open_tasks', 'overdue_tasks', 'weighted_caseload'])
    assert.equal(load.total[k], load.workers.reduce((n, w) => n + w[k], 0) + load.unallocated[k], k);
  assert.equal((await mo('GET', '/api/v1/teams/999999/workload')).status, 404);
  const mgrPassword = server.addUser('sol', 'manager');
  const solId = Number(sql(server.db, "select id from users where username = 'sol'"));
  await ok(await root('PATCH', `/api/v1/users/${solId}`, { teams: [team.id] }));
  const browser = server.client();
  assert.equal((await browser.signIn('sol', mgrPassword)).status, 303);
  const page = await browser.get(`/teams/${team.id}/workload`);
  assert.equal(page.status, 200);
  const row = page.text_.match(/data-testid="worker"><th scope="row" class="govuk-table__header">Test pat<\/th>(.*?)<\/tr>/);
  assert.ok(row, page.text_.slice(-2000));
  assert.deepEqual([...row[1].matchAll(/>(\d+)</g)].map((m) => Number(m[1])),
    [patRow.open_cases, patRow.open_tasks, patRow.overdue_tasks, patRow.weighted_caseload]);
  assert.equal(sql(server.db, "select count(*) > 0 from audit where action = 'workload.view'"), '1');
});

test('the tray and case pages show tasks by due date, overdue marked, and a case\'s steps', async () => {
  const password = server.addUser('pia', 'practitioner');
  const browser = server.client();
  assert.equal((await browser.signIn('pia', password)).status, 303);
  const pia = Number(sql(server.db, "select id from users where username = 'pia'"));
  const p = await ok(await pat('POST', '/api/v1/people', { forenames: 'Hal', surname: '<Elm>', confirm_new: true }), 201);
  const contact = await ok(await pat('POST', '/api/v1/contacts', {
    received_at: '2026-04-02T15:30:00Z', children: [{ person_id: p.id }], referrer: { name: 'School' }, source: '3A', concern: 'Absent.',
  }), 201);
  const caseId = contact.children[0].case_id;
  // Pia works in Morag's team (need-to-know: Morag reads back the case she allocated).
  const team2 = Number(sql(server.db, "select id from teams where name = 'Assessment Team 2'"));
  await ok(await api(tokens.root)('PATCH', `/api/v1/users/${pia}`, { teams: [team2] }));
  await ok(await mo('POST', `/api/v1/cases/${caseId}/allocation`, { user_id: pia, reason: 'Duty' }));
  let page = await browser.get('/tray');
  assert.equal(page.status, 200);
  const rows = [...page.text_.matchAll(/<tr class="govuk-table__row" data-testid="task">([\s\S]*?)<\/tr>/g)].map((m) => m[1]);
  assert.equal(rows.length, 1);
  assert.match(rows[0], new RegExp(`href="/cases/${caseId}">Hal &lt;Elm&gt;</a>`));
  assert.match(rows[0], /Contact and front-door decision/);
  assert.match(rows[0], /7 April 2026 at 11:59pm/);
  assert.match(rows[0], /data-testid="overdue">Overdue/);
  page = await browser.get(`/cases/${caseId}`);
  assert.equal(page.status, 200);
  assert.equal([...page.text_.matchAll(/data-testid="step"/g)].length, 1);
  assert.match(page.text_, /referral_source<\/dt><dd class="govuk-summary-list__value">3A/);
  assert.equal((await browser.get('/cases/999999')).status, 404);
});

test('the step page: a front-door decision through the form, refused with the field named, then an authorisation', async () => {
  const password = server.addUser('quinn', 'practitioner');
  const worker = server.client();
  assert.equal((await worker.signIn('quinn', password)).status, 303);
  const rhona = api(await tokenFor(server, 'rhona', 'manager'));
  const manager = server.client();
  assert.equal((await manager.signIn('rhona', server.passwords.rhona)).status, 303);
  const p = await ok(await pat('POST', '/api/v1/people', { forenames: 'Ivy', surname: 'Pine', confirm_new: true }), 201);
  const contact = await ok(await pat('POST', '/api/v1/contacts', {
    children: [{ person_id: p.id }], referrer: { name: 'Nursery' }, source: '3C', concern: 'Not collected.',
  }), 201);
  const { case_id: caseId, step_id: stepId } = contact.children[0];
  // The front door team (Quinn, managed by Rhona) holds the contact (need-to-know).
  const frontDoor = await ok(await api(tokens.root)('POST', '/api/v1/teams', { name: 'Front Door' }), 201);
  for (const u of ['quinn', 'rhona'])
    await ok(await api(tokens.root)('PATCH', `/api/v1/users/${sql(server.db, `select id from users where username = '${u}'`)}`, { teams: [frontDoor.id] }));
  await ok(await rhona('POST', `/api/v1/cases/${caseId}/allocation`, { team_id: frontDoor.id, reason: 'Front door' }));

  let page = await worker.get(`/steps/${stepId}`);
  assert.equal(page.status, 200);
  assert.match(page.text_, /<textarea class="govuk-textarea" id="concern" name="concern" rows="5">Not collected.<\/textarea>/);
  assert.match(page.text_, /id="outcome-referral" value="referral"/);
  const csrf = (await worker.csrf());
  let res = await worker.postForm(`/steps/${stepId}`, { csrf_token: csrf, action: 'complete', outcome: 'referral', parents_aware: 'yes' });
  assert.equal(res.status, 422);
  assert.match(res.text_, /govuk-error-summary/);
  assert.match(res.text_, /<a href="#decision_reason">Answer every mandatory field before completing &#39;Contact and front-door decision&#39;: decision_reason<\/a>/);
  assert.match(res.text_, /id="parents_aware-yes" value="yes" checked/); // what was typed is kept
  assert.equal(sql(server.db, `select status from case_steps where id = ${stepId}`), 'open');

  res = await worker.postForm(`/steps/${stepId}`, { csrf_token: csrf, action: 'save', decision_reason: 'Thinking.' });
  assert.equal(res.status, 303);
  assert.equal(sql(server.db, `select status from case_steps where id = ${stepId}`), 'draft');
  res = await worker.postForm(`/steps/${stepId}`, {
    csrf_token: csrf, action: 'complete', outcome: 'referral', parents_aware: 'yes', decision_reason: 'Needs a referral.',
  });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), `/cases/${caseId}`);
  const decided = await ok(await pat('GET', `/api/v1/contacts/${contact.id}`));
  assert.equal(decided.children[0].decision, 'referral');

  // referral -> assessment (needs authorisation), completed through the form, authorised by a manager.
  let c = await ok(await pat('GET', `/api/v1/cases/${caseId}`));
  const referral = stepOf(c, 'referral');
  assert.equal((await worker.postForm(`/steps/${referral.id}`, { csrf_token: csrf, action: 'complete', outcome: 'assessment', summary: 'Assess.', primary_need: 'N4' })).status, 303);
  c = await ok(await pat('GET', `/api/v1/cases/${caseId}`));
  const assessment = stepOf(c, 'assessment');
  res = await worker.postForm(`/steps/${assessment.id}`, {
    csrf_token: csrf, action: 'complete', outcome: 'nfa', started_on: '2026-01-05', child_seen: 'yes', child_views: 'Fine.',
    analysis: 'None.', factors: ['21'], primary_need: 'N9',
  });
  assert.equal(res.status, 303);
  page = await manager.get(`/steps/${assessment.id}`);
  assert.match(page.text_, /action="\/steps\/\d+\/authorise"/);
  assert.doesNotMatch((await worker.get(`/steps/${assessment.id}`)).text_, /\/authorise"/);
  res = await manager.postForm(`/steps/${assessment.id}/authorise`, { csrf_token: await manager.csrf(), decision: 'approve' });
  assert.equal(res.status, 303);
  c = await ok(await pat('GET', `/api/v1/cases/${caseId}`));
  assert.equal(stepOf(c, 'assessment').status, 'completed');
  assert.deepEqual(JSON.parse(sql(server.db, `select answers from case_steps where id = ${assessment.id}`)).factors, ['21']);
  assert.ok(stepOf(c, 'closure'));
});

test('a manager moves a worker\'s whole caseload in one go, with a reason', async () => {
  const maxId = Number(sql(server.db, "select id from users where username = 'max'"));
  for (const name of ['Jon', 'Kit']) {
    const p = await ok(await pat('POST', '/api/v1/people', { forenames: name, surname: 'Yew', confirm_new: true }), 201);
    const contact = await ok(await pat('POST', '/api/v1/contacts', {
      children: [{ person_id: p.id }], referrer: { name: 'GP' }, source: '5A', concern: 'Worried.',
    }), 201);
    await ok(await mo('POST', `/api/v1/cases/${contact.children[0].case_id}/allocation`, { user_id: ids.pat, reason: 'Duty' }));
  }
  const before = Number(sql(server.db, `select count(*) from cases where status = 'open' and allocated_user_id = ${ids.pat}`));
  assert.ok(before >= 2);
  const url = `/api/v1/users/${ids.pat}/caseload/reallocate`;
  assert.equal((await pat('POST', url, { to_user_id: maxId, reason: 'x' })).status, 403);
  let res = await mo('POST', url, { to_user_id: maxId });
  assert.equal(res.status, 422);
  assert.equal(res.body_.field, 'reason');
  res = await mo('POST', url, { to_user_id: ids.pat, reason: 'x' });
  assert.equal(res.status, 422);
  assert.equal(res.body_.field, 'to_user_id');
  const moved = await ok(await mo('POST', url, { to_user_id: maxId, reason: 'Pat has left the team' }));
  assert.equal(moved.moved, before);
  assert.equal(sql(server.db, `select count(*) from cases where status = 'open' and allocated_user_id = ${ids.pat}`), '0');
  assert.equal(sql(server.db, "select count(*) from audit where action = 'case.allocate' and reason = 'Pat has left the team'"), String(before));
});

test('the contact form: people found by the search, refused naming the field, then recorded once and decided per child', async () => {
  const password = server.addUser('tam', 'practitioner');
  const browser = server.client();
  assert.equal((await browser.signIn('tam', password)).status, 303);
  const a = await ok(await pat('POST', '/api/v1/people', { forenames: 'Lia', surname: 'Quarrendon', confirm_new: true }), 201);
  const b = await ok(await pat('POST', '/api/v1/people', { forenames: 'Max', surname: 'Quarrendon', confirm_new: true }), 201);
  // Tam has no work with Lia yet: the person page asks for a reason first.
  let page = await browser.get(`/people/${a.id}`);
  assert.equal(page.status, 303);
  assert.equal(page.headers.get('location'), `/people/${a.id}/break-glass?next=%2Fpeople%2F${a.id}`);
  assert.equal((await browser.get(page.headers.get('location'))).status, 200);
  page = await browser.postForm(`/people/${a.id}/break-glass`, {
    csrf_token: await browser.csrf(), reason: 'new_contact', detail: 'Ann Nurse is calling about Lia and Max.', next: `/people/${a.id}`,
  });
  assert.equal(page.status, 303);
  assert.equal(page.headers.get('location'), `/people/${a.id}`);
  page = await browser.get(`/people/${a.id}`);
  assert.match(page.text_, new RegExp(`href="/contacts/new\\?people=${a.id}">Record a contact`));
  page = await browser.get(`/contacts/new?people=${a.id}`);
  assert.equal(page.status, 200);
  assert.match(page.text_, /data-testid="chosen-person">Lia Quarrendon/);
  // The people search on the form finds the sibling; its link adds them.
  page = await browser.get(`/contacts/new?people=${a.id}&q=Quarrendon`);
  assert.equal(page.status, 200);
  const add = page.text_.match(/href="(\/contacts\/new\?people=[^"]+)">Add<span class="govuk-visually-hidden"> Max Quarrendon/);
  assert.ok(add, page.text_.slice(-3000));
  // The form shows Max by name and date of birth, as the search does: no reason needed to add him.
  page = await browser.get(add[1].replaceAll('&amp;', '&'));
  assert.equal([...page.text_.matchAll(/data-testid="chosen-person"/g)].length, 2);
  assert.match(page.text_, new RegExp(`name="people" value="${a.id},${b.id}"`));
  const csrf = await browser.csrf();
  const form = { csrf_token: csrf, people: `${a.id},${b.id}`, referrer_name: 'Ann Nurse', source: '', concern: 'Both children hungry.' };
  let res = await browser.postForm('/contacts', form);
  assert.equal(res.status, 422);
  assert.match(res.text_, /<a href="#source">Choose the source of the contact<\/a>/);
  assert.match(res.text_, /Both children hungry\./);
  res = await browser.postForm('/contacts', { ...form, people: 'abc' });
  assert.equal(res.status, 422);
  assert.match(res.text_, /<a href="#people">/);
  const before = Number(sql(server.db, 'select count(*) from contacts'));
  res = await browser.postForm('/contacts', { ...form, source: '5A' });
  assert.equal(res.status, 303);
  assert.equal(Number(sql(server.db, 'select count(*) from contacts')), before + 1);
  const contactId = sql(server.db, 'select max(id) from contacts');
  assert.equal(sql(server.db, `select count(*) from contact_people where contact_id = ${contactId}`), '2');
  assert.equal(res.headers.get('location'), `/contacts/${contactId}`);
  // The contact's page: each child with a link to their own decision.
  page = await browser.get(`/contacts/${contactId}`);
  assert.equal(page.status, 200);
  const rows = [...page.text_.matchAll(/data-testid="contact-person">(.*?)<\/tr>/g)].map((m) => m[1]);
  assert.equal(rows.length, 2);
  const stepOf = (id) => sql(server.db, `select min(s.id) from case_steps s join contact_people cp on cp.case_id = s.case_id where cp.contact_id = ${contactId} and cp.person_id = ${id}`);
  assert.match(rows[0], new RegExp(`Lia Quarrendon[\\s\\S]*href="/steps/${stepOf(a.id)}">Decide`));
  assert.match(rows[1], new RegExp(`Max Quarrendon[\\s\\S]*href="/steps/${stepOf(b.id)}">Decide`));
  // Decide for one child only: the other is still to decide.
  await ok(await pat('POST', `/api/v1/contacts/${contactId}/decisions`, {
    person_id: a.id, outcome: 'nfa', answers: { parents_aware: true, decision_reason: 'Fed at school; no concern.' },
  }));
  page = await browser.get(`/contacts/${contactId}`);
  const after = [...page.text_.matchAll(/data-testid="contact-person">(.*?)<\/tr>/g)].map((m) => m[1]);
  assert.match(after[0], /Lia Quarrendon[\s\S]*data-decision="nfa">No further action</);
  assert.match(after[1], /Max Quarrendon[\s\S]*>Decide/);
  assert.equal((await browser.get('/contacts/999999')).status, 404);
});
