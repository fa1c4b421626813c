// A single task reallocated in Chromium: a manager opens a step of a case
// their team's worker holds, gives that one task to another worker from
// "Reallocate this task" (a missing reason is refused, naming the field), and
// it leaves the case worker's tray for the other worker's; the team's tray
// says who has it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { Server, tokenFor } from '../http/lib.mjs';
import { launch, signInPage } from './browser.mjs';

let server, browser;
before(async () => {
  server = await new Server().start();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

const sql = (q) => spawnSync('sqlite3', [server.db, q], { encoding: 'utf8' }).stdout.trim();

const signIn = (username, password) => signInPage(browser, server.url, username, password);

test('a manager gives one task of a case to another worker from the step page', async () => {
  const admin = await tokenFor(server, 'ada.admin', 'administrator');
  const manager = await tokenFor(server, 'kim.manager', 'manager');
  const pw = {
    kim: server.addUser('kim.web', 'manager'),
    ola: server.addUser('ola.worker', 'practitioner'),
    pat: server.addUser('pat.worker', 'practitioner'),
  };
  const id = (u) => Number(sql(`select id from users where username = '${u}'`));
  const team = (await server.api(admin, 'POST', '/api/v1/teams', { name: 'Assessment 2' })).body_;
  for (const u of ['kim.manager', 'kim.web', 'ola.worker', 'pat.worker'])
    assert.equal((await server.api(admin, 'PATCH', `/api/v1/users/${id(u)}`, { teams: [team.id] })).status, 200);
  const person = (await server.api(admin, 'POST', '/api/v1/people', { forenames: 'Remy', surname: 'Gault', confirm_new: true })).body_;
  const recorded = await server.api(manager, 'POST', '/api/v1/contacts', {
    received_at: new Date(Date.now() - 86400000).toISOString(), children: [{ person_id: person.id }],
    referrer: { name: 'Dee Teacher', organisation: 'Vale School' }, source: '3A', concern: 'Often absent and hungry.',
  });
  assert.equal(recorded.status, 201, JSON.stringify(recorded.body_));
  const caseId = recorded.body_.children[0].case_id;
  assert.equal((await server.api(manager, 'POST', `/api/v1/cases/${caseId}/allocation`, { user_id: id('ola.worker'), team_id: team.id, reason: 'Ola is on duty' })).status, 200);
  const stepId = Number(sql(`select id from case_steps where case_id = ${caseId}`));

  const ola = await signIn('ola.worker', pw.ola);
  await ola.goto(`${server.url}/tray`);
  assert.match(await ola.textContent('main'), /Remy Gault/);
  // A worker is not offered the reallocation.
  await ola.goto(`${server.url}/steps/${stepId}`);
  assert.equal(await ola.locator('summary:has-text("Reallocate this task")').count(), 0);

  const kim = await signIn('kim.web', pw.kim);
  await kim.goto(`${server.url}/steps/${stepId}`);
  await kim.click('summary:has-text("Reallocate this task")');
  await kim.selectOption('#allocation_user_id', { label: 'Test pat.worker' });
  await kim.click('button:has-text("Reallocate")');
  await kim.waitForSelector('.govuk-error-summary'); // no reason given
  assert.match(await kim.textContent('.govuk-error-summary'), /reason/);
  await kim.selectOption('#allocation_user_id', { label: 'Test pat.worker' });
  await kim.fill('#allocation_reason', 'Pat knows the family');
  await kim.click('button:has-text("Reallocate")');
  await kim.waitForURL(new RegExp(`/cases/${caseId}$`));
  assert.equal(sql(`select assigned_user_id || '|' || (select reason from step_allocations where step_id = ${stepId} and to_at is null) from case_steps where id = ${stepId}`),
    `${id('pat.worker')}|Pat knows the family`);
  assert.equal(sql(`select allocated_user_id from cases where id = ${caseId}`), String(id('ola.worker')));

  await kim.goto(`${server.url}/teams/${team.id}/tray`);
  const rows = await kim.locator('[data-testid=task]').allTextContents();
  assert.equal(rows.filter((t) => /Remy Gault/.test(t)).length, 1);
  assert.match(rows.find((t) => /Remy Gault/.test(t)), /Test pat\.worker[\s\S]*this task alone/);

  const pat = await signIn('pat.worker', pw.pat);
  await pat.goto(`${server.url}/tray`);
  assert.match(await pat.textContent('main'), /Remy Gault/);
  await ola.goto(`${server.url}/tray`);
  assert.doesNotMatch(await ola.textContent('main'), /Remy Gault/);
  for (const p of [ola, pat])
    assert.deepEqual(p.problems, []);
  assert.deepEqual(kim.problems.filter((p) => !/status of 422/.test(p)), []);
});
