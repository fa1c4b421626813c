// Need-to-know in Chromium: a practitioner with no work with a child finds
// her by search (the list shows her), opens her record and is stopped at the
// break-glass page; without a reason the form is refused with the error
// linked to the field; with one she reaches the record. The override is in
// the audit log, and the manager of the team holding the child's case finds it
// on the overrides page and marks it reviewed.
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

test('break the glass with a reason, then the manager reviews it', async () => {
  const admin = await tokenFor(server, 'bg.admin', 'administrator');
  const manager = await tokenFor(server, 'bg.manager', 'manager');
  const owner = await tokenFor(server, 'bg.owner', 'practitioner');
  const ninaPassword = server.addUser('nina.duty', 'practitioner');
  const id = (u) => Number(sql(`select id from users where username = '${u}'`));
  // Rosa's case is held by the locality team (Owen, managed by the manager).
  const team = (await server.api(admin, 'POST', '/api/v1/teams', { name: 'Locality North' })).body_;
  for (const u of ['bg.manager', 'bg.owner'])
    assert.equal((await server.api(admin, 'PATCH', `/api/v1/users/${id(u)}`, { teams: [team.id] })).status, 200);
  const rosa = (await server.api(owner, 'POST', '/api/v1/people', { forenames: 'Rosa', surname: 'Quarry', dob: '2016-02-03', confirm_new: true })).body_;
  const contact = await server.api(owner, 'POST', '/api/v1/contacts', {
    children: [{ person_id: rosa.id }], referrer: { name: 'School nurse' }, source: '5A', concern: 'Weight loss.',
  });
  assert.equal(contact.status, 201, JSON.stringify(contact.body_));
  const caseId = contact.body_.children[0].case_id;
  assert.equal((await server.api(manager, 'POST', `/api/v1/cases/${caseId}/allocation`,
    { user_id: id('bg.owner'), team_id: team.id, reason: 'Locality' })).status, 200);

  // Nina (duty, no work with Rosa) finds her by search...
  const page = await signIn('nina.duty', ninaPassword);
  await page.goto(`${server.url}/people?q=Rosa+Quarry`);
  const result = page.locator(`a[href="/people/${rosa.id}"]`).first();
  assert.match(await result.textContent(), /Rosa Quarry/);
  // ...but opening the record asks for a reason first.
  await result.click();
  await page.waitForSelector('h1:has-text("Give a reason to open this record")');
  assert.match(page.url(), new RegExp(`/people/${rosa.id}/break-glass\\?next=`));
  assert.doesNotMatch(await page.content(), /Weight loss|2016/);
  await page.click('#break-glass');
  await page.waitForSelector('.govuk-error-summary');
  assert.match(await page.textContent('.govuk-error-summary'), /Select why you need to open the record/);
  await page.check('#reason-duty_cover');
  await page.fill('#detail', 'Police called out of hours about Rosa.');
  await page.click('#break-glass');
  await page.waitForSelector('[data-testid=person-name]');
  assert.equal(await page.textContent('[data-testid=person-name]'), 'Rosa Quarry');
  assert.equal(new URL(page.url()).pathname, `/people/${rosa.id}`);
  assert.equal(sql(`select count(*) from audit where action = 'person.override' and record_id = '${rosa.id}'
    and actor = 'nina.duty' and reason = 'duty_cover: Police called out of hours about Rosa.'`), '1');
  // The override lasts: her chronology opens without asking again.
  await page.goto(`${server.url}/people/${rosa.id}/chronology`);
  assert.match(new URL(page.url()).pathname, /\/chronology$/);
  assert.deepEqual(page.problems.filter((p) => !/status of 422/.test(p)), []);

  // The manager of the team holding the case reviews it.
  const mpage = await signIn('bg.manager', server.passwords['bg.manager']);
  await mpage.goto(`${server.url}/overrides`);
  const row = mpage.locator('[data-testid^=override-]', { hasText: 'nina.duty' });
  assert.match(await row.textContent(), /Covering duty or out-of-hours/);
  assert.match(await row.textContent(), /Police called out of hours about Rosa\./);
  await row.locator('input[name=note]').fill('Checked with the police: proper.');
  await row.locator('button:has-text("Mark reviewed")').click();
  await mpage.waitForSelector('h1:has-text("Overrides to review")');
  assert.equal(sql(`select review_note || '|' || (reviewed_by = ${id('bg.manager')}) from access_overrides`),
    'Checked with the police: proper.|1');
  assert.equal(sql("select count(*) from audit where action = 'override.review'"), '1');
});
