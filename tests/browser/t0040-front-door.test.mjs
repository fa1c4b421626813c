// A front-door decision in Chromium: a contact recorded through the API and
// allocated to a worker appears in their tray, overdue; from it the worker
// opens the case and the contact step's form, submits it without a reason
// (the error summary links to the field), then decides on a referral; the
// case page shows the referral started.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { Server, tokenFor } from '../http/lib.mjs';
import { launch, newPage } from './browser.mjs';

let server, browser;
before(async () => {
  server = await new Server().start();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

test('decide a contact from the tray', async () => {
  const admin = await tokenFor(server, 'root.admin', 'administrator');
  const manager = await tokenFor(server, 'mona.manager', 'manager');
  const password = server.addUser('wes.worker', 'practitioner');
  const wes = Number(spawnSync('sqlite3', [server.db, "select id from users where username = 'wes.worker'"], { encoding: 'utf8' }).stdout.trim());
  const person = (await server.api(admin, 'POST', '/api/v1/people', { forenames: 'Jude', surname: 'Hale', confirm_new: true })).body_;
  const contact = await server.api(admin, 'POST', '/api/v1/contacts', {
    received_at: '2026-04-02T15:30:00Z', children: [{ person_id: person.id }],
    referrer: { name: 'Sam Teacher', organisation: 'Hill School' }, source: '3A', concern: 'Bruise on the arm.',
  });
  assert.equal(contact.status, 403); // administrators are not in the contact step's roles
  const recorded = await server.api(manager, 'POST', '/api/v1/contacts', {
    received_at: '2026-04-02T15:30:00Z', children: [{ person_id: person.id }],
    referrer: { name: 'Sam Teacher', organisation: 'Hill School' }, source: '3A', concern: 'Bruise on the arm.',
  });
  assert.equal(recorded.status, 201, JSON.stringify(recorded.body_));
  const caseId = recorded.body_.children[0].case_id;
  assert.equal((await server.api(manager, 'POST', `/api/v1/cases/${caseId}/allocation`, { user_id: wes, reason: 'Duty worker' })).status, 200);

  const page = await newPage(browser);
  await page.goto(`${server.url}/sign-in`);
  await page.fill('#username', 'wes.worker');
  await page.fill('#password', password);
  await page.click('button[type=submit]');
  await page.waitForSelector('h1');

  await page.goto(`${server.url}/tray`);
  const task = page.locator('[data-testid=task]');
  assert.equal(await task.count(), 1);
  assert.match(await task.textContent(), /Jude Hale[\s\S]*Contact and front-door decision[\s\S]*Overdue/);
  await page.click('[data-testid=task] a');
  await page.waitForSelector('[data-testid=step]');
  await page.click('[data-testid=step] a:has-text("Contact and front-door decision")');
  await page.waitForSelector('form[action^="/steps/"]');
  assert.equal(await page.inputValue('#referrer'), 'Sam Teacher, Hill School');

  await page.check('#parents_aware-yes');
  await page.check('#outcome-referral');
  await page.click('button:has-text("Complete")');
  await page.waitForSelector('.govuk-error-summary');
  assert.match(await page.textContent('.govuk-error-summary'), /decision_reason/);
  assert.equal(await page.isChecked('#parents_aware-yes'), true);

  await page.fill('#decision_reason', 'Unexplained bruising: refer.');
  await page.check('#outcome-referral');
  await page.click('button:has-text("Complete")');
  await page.waitForURL(new RegExp(`/cases/${caseId}$`));
  const steps = await page.locator('[data-testid=step]').allTextContents();
  assert.equal(steps.length, 2);
  assert.match(steps[0], /Contact and front-door decision[\s\S]*Completed[\s\S]*outcome: referral/);
  assert.match(steps[1], /Referral to children's social care[\s\S]*Not started/);
  // The refused completion is a 422 page, which Chromium logs; nothing else may fail.
  assert.deepEqual(page.problems.filter((p) => !/status of 422/.test(p)), []);
});

test('a manager reallocates a case from its page, with a reason', async () => {
  const admin = await tokenFor(server, 'ada.admin', 'administrator');
  const mgrPassword = server.addUser('max.manager', 'manager');
  server.addUser('val.worker', 'practitioner');
  const id = (u) => Number(spawnSync('sqlite3', [server.db, `select id from users where username = '${u}'`], { encoding: 'utf8' }).stdout.trim());
  const team = (await server.api(admin, 'POST', '/api/v1/teams', { name: 'Child Protection 1' })).body_;
  // Wes, who holds the case, is in Max's team: it is the team's case (need-to-know).
  for (const u of ['max.manager', 'val.worker', 'wes.worker'])
    assert.equal((await server.api(admin, 'PATCH', `/api/v1/users/${id(u)}`, { teams: [team.id] })).status, 200);
  const caseId = Number(spawnSync('sqlite3', [server.db, 'select max(id) from cases'], { encoding: 'utf8' }).stdout.trim());

  const page = await newPage(browser);
  await page.goto(`${server.url}/sign-in`);
  await page.fill('#username', 'max.manager');
  await page.fill('#password', mgrPassword);
  await page.click('button[type=submit]');
  await page.waitForSelector('h1');
  await page.goto(`${server.url}/cases/${caseId}`);
  await page.click('summary:has-text("Allocate this case")');
  await page.selectOption('#user_id', { label: 'Test val.worker' });
  await page.click('button:has-text("Allocate")');
  await page.waitForSelector('.govuk-error-summary'); // no reason given
  assert.match(await page.textContent('.govuk-error-summary'), /reason/);
  await page.selectOption('#user_id', { label: 'Test val.worker' });
  await page.fill('#reason', 'Wes is on leave');
  await page.click('button:has-text("Allocate")');
  await page.waitForURL(/allocated=1/);
  const row = spawnSync('sqlite3', [server.db, `select user_id || '|' || reason from allocations where case_id = ${caseId} and to_at is null`], { encoding: 'utf8' }).stdout.trim();
  assert.equal(row, `${id('val.worker')}|Wes is on leave`);
  assert.deepEqual(page.problems.filter((p) => !/status of 422/.test(p)), []);
});
