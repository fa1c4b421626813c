// The front door in Chromium from end to end: a duty worker finds two
// siblings with the people search on the contact form, records one contact,
// and decides for each child from the contact's page; the duty manager sees
// the undecided child's case in the team tray, not allocated and due, and
// then moves the worker's whole caseload to a colleague from the workload page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { Server, tokenFor } from '../http/lib.mjs';
import { launch, signInPage } from './browser.mjs';

let server, browser;
before(async () => {
  server = await new Server({ args: ['--duty_team', 'MASH'] }).start();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

const sql = (q) => spawnSync('sqlite3', [server.db, q], { encoding: 'utf8' }).stdout.trim();

const signIn = (username, password) => signInPage(browser, server.url, username, password);

test('one contact about two siblings, found by search, decided per child; the manager moves a caseload', async () => {
  const admin = await tokenFor(server, 'ada.admin', 'administrator');
  const dutyPassword = server.addUser('dot.duty', 'practitioner');
  const mgrPassword = server.addUser('mel.manager', 'manager');
  server.addUser('kit.worker', 'practitioner');
  const id = (u) => Number(sql(`select id from users where username = '${u}'`));
  const mash = (await server.api(admin, 'POST', '/api/v1/teams', { name: 'MASH' })).body_;
  for (const u of ['dot.duty', 'mel.manager', 'kit.worker'])
    assert.equal((await server.api(admin, 'PATCH', `/api/v1/users/${id(u)}`, { teams: [mash.id] })).status, 200);
  for (const forenames of ['Rowan', 'Sky'])
    assert.equal((await server.api(admin, 'POST', '/api/v1/people', { forenames, surname: 'Pellington', dob: '2018-03-04', confirm_new: true })).status, 201);

  // The duty worker: find both children, record the contact once.
  const duty = await signIn('dot.duty', dutyPassword);
  await duty.goto(`${server.url}/contacts/new`);
  await duty.fill('#q', 'Pellington');
  await duty.click('button:has-text("Search")');
  await duty.waitForSelector('[data-testid=people-results]');
  await duty.click('a:has-text("Add"):has(span:text-is("Rowan Pellington"))');
  await duty.waitForSelector('[data-testid=chosen-person]');
  await duty.fill('#q', 'Pellington');
  await duty.click('button:has-text("Search")');
  await duty.click('a:has-text("Add"):has(span:text-is("Sky Pellington"))');
  await duty.waitForFunction(() => document.querySelectorAll('[data-testid=chosen-person]').length === 2);
  assert.deepEqual((await duty.locator('[data-testid=chosen-person]').allTextContents()).map((t) => t.split(',')[0]),
    ['Rowan Pellington', 'Sky Pellington']);
  await duty.fill('#referrer_name', 'Ms Head');
  await duty.fill('#referrer_organisation', 'Brook Primary');
  await duty.selectOption('#source', '3A');
  await duty.fill('#concern', 'Both children arrived hungry and cold.');
  await duty.click('button:has-text("Record contact")');
  await duty.waitForURL(/\/contacts\/\d+$/);
  const people = duty.locator('[data-testid=contact-person]');
  assert.equal(await people.count(), 2);

  // Decide for Rowan only: a referral.
  await duty.click('a:has-text("Decide"):has(span:text-is("for Rowan Pellington"))');
  await duty.waitForSelector('form[action^="/steps/"]');
  assert.equal(await duty.inputValue('#referrer'), 'Ms Head, Brook Primary');
  await duty.check('#parents_aware-yes');
  await duty.fill('#decision_reason', 'Neglect indicators: refer.');
  await duty.check('#outcome-referral');
  await duty.click('button:has-text("Complete")');
  await duty.waitForURL(/\/cases\/\d+$/);
  await duty.click('a:has-text("the contact")');
  await duty.waitForSelector('[data-testid=contact-person]');
  const rows = await duty.locator('[data-testid=contact-person]').allTextContents();
  assert.match(rows[0], /Rowan Pellington[\s\S]*Referral to children's social care/);
  assert.match(rows[1], /Sky Pellington[\s\S]*Decide/);

  // The manager: both cases wait in the MASH tray, not allocated.
  const mgr = await signIn('mel.manager', mgrPassword);
  await mgr.goto(`${server.url}/tray`);
  await mgr.click('[data-testid=my-teams] a:has-text("team tray")');
  await mgr.waitForSelector('[data-testid=tray]');
  const tasks = await mgr.locator('[data-testid=task]').allTextContents();
  assert.equal(tasks.length, 2);
  assert.ok(tasks.some((t) => /Sky Pellington[\s\S]*Contact and front-door decision[\s\S]*Not allocated/.test(t)), tasks.join('\n'));
  assert.ok(tasks.some((t) => /Rowan Pellington[\s\S]*Referral to children's social care[\s\S]*Not allocated/.test(t)), tasks.join('\n'));

  // Allocate both to Dot from the case pages, then move Dot's caseload to Kit.
  for (const name of ['Rowan Pellington', 'Sky Pellington']) {
    await mgr.goto(`${server.url}/teams/${mash.id}/tray`);
    await mgr.click(`[data-testid=task] a:has-text("${name}")`);
    await mgr.waitForSelector('summary:has-text("Allocate this case")');
    await mgr.click('summary:has-text("Allocate this case")');
    await mgr.selectOption('#user_id', { label: 'Test dot.duty' });
    await mgr.fill('#reason', 'Duty worker');
    await mgr.click('button:has-text("Allocate")');
    await mgr.waitForURL(/allocated=1/);
  }
  await mgr.goto(`${server.url}/teams/${mash.id}/workload`);
  await mgr.click('a:has-text("Move caseload"):has(span:text-is("of Test dot.duty"))');
  await mgr.waitForSelector('[data-testid=open-cases]');
  assert.match(await mgr.textContent('[data-testid=open-cases]'), /holds 2 open cases/);
  await mgr.selectOption('#to_user_id', { label: 'Test kit.worker' });
  await mgr.click('button:has-text("Move the caseload")');
  await mgr.waitForSelector('.govuk-error-summary'); // no reason
  assert.match(await mgr.textContent('.govuk-error-summary'), /reason/);
  await mgr.selectOption('#to_user_id', { label: 'Test kit.worker' });
  await mgr.fill('#reason', 'Dot moves to the locality team');
  await mgr.click('button:has-text("Move the caseload")');
  await mgr.waitForSelector('[data-testid=moved]');
  assert.match(await mgr.textContent('[data-testid=moved]'), /Caseload moved: 2 cases/);
  const kit = await mgr.locator('[data-testid=worker]:has-text("Test kit.worker") td').allTextContents();
  assert.deepEqual(kit.slice(0, 3), ['2', '2', '0']);
  assert.equal(sql(`select count(*) from allocations where user_id = ${id('kit.worker')} and reason = 'Dot moves to the locality team' and to_at is null`), '2');
  for (const p of [duty, mgr])
    assert.deepEqual(p.problems.filter((x) => !/status of 422/.test(x)), []);
});
