// A manager's grant and a rectification note in Chromium: the manager of the
// team holding a child's case opens "Access to this record" from the person
// page and grants a worker of her other team access until a date; the worker
// then opens the record without being asked for a reason (no override is
// recorded), adds a rectification note beside the address through the link
// there, and sees it beside the unchanged address. The manager revokes the
// grant and the worker is asked for a reason again.
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

test('a manager grants access on the page; the worker adds a rectification note beside the address', async () => {
  const admin = await tokenFor(server, 'ag.admin', 'administrator');
  const manager = await tokenFor(server, 'ag.manager', 'manager');
  const owner = await tokenFor(server, 'ag.owner', 'practitioner');
  const ninaPassword = server.addUser('nina.hosp', 'practitioner');
  const id = (u) => Number(sql(`select id from users where username = '${u}'`));
  const locality = (await server.api(admin, 'POST', '/api/v1/teams', { name: 'Locality South' })).body_;
  const hospital = (await server.api(admin, 'POST', '/api/v1/teams', { name: 'Hospital Team' })).body_;
  for (const [u, teams] of [['ag.manager', [locality.id, hospital.id]], ['ag.owner', [locality.id]], ['nina.hosp', [hospital.id]]])
    assert.equal((await server.api(admin, 'PATCH', `/api/v1/users/${id(u)}`, { teams })).status, 200);
  const kit = (await server.api(owner, 'POST', '/api/v1/people', {
    forenames: 'Kit', surname: 'Marram', dob: '2017-03-04', confirm_new: true, address: { line1: '4 Dune Row', town: 'Southtown' },
  })).body_;
  const contact = await server.api(owner, 'POST', '/api/v1/contacts', {
    children: [{ person_id: kit.id }], referrer: { name: 'Health visitor' }, source: '3A', concern: 'Missed checks.',
  });
  assert.equal(contact.status, 201, JSON.stringify(contact.body_));
  assert.equal((await server.api(manager, 'POST', `/api/v1/cases/${contact.body_.children[0].case_id}/allocation`,
    { team_id: locality.id, reason: 'Locality' })).status, 200);

  // The manager grants Nina access from the person page.
  const mpage = await signIn('ag.manager', server.passwords['ag.manager']);
  await mpage.goto(`${server.url}/people/${kit.id}`);
  await mpage.click('a:has-text("Access to this record")');
  await mpage.waitForSelector('h1:has-text("Access to this record")');
  await mpage.selectOption('#user_id', String(id('nina.hosp')));
  await mpage.fill('#reason', 'Kit is on the children\'s ward this week.');
  const until = new Date(Date.now() + 10 * 86400e3);
  await mpage.fill('#expires_on-day', String(until.getUTCDate()));
  await mpage.fill('#expires_on-month', String(until.getUTCMonth() + 1));
  await mpage.fill('#expires_on-year', String(until.getUTCFullYear()));
  await mpage.click('#grant-access');
  const row = mpage.locator('[data-testid=grant]', { hasText: 'nina.hosp' });
  await row.waitFor();
  assert.match(await row.textContent(), /In force/);
  assert.match(await row.textContent(), /children's ward/);

  // Nina opens the record straight away: no reason asked, no override.
  const page = await signIn('nina.hosp', ninaPassword);
  await page.goto(`${server.url}/people/${kit.id}`);
  await page.waitForSelector('[data-testid=person-name]');
  assert.equal(await page.textContent('[data-testid=person-name]'), 'Kit Marram');
  assert.equal(sql('select count(*) from access_overrides'), '0');

  // She adds a rectification note beside the address.
  await page.click('[data-testid=add-rectification][href*="item_type=address"]');
  await page.waitForSelector('h1:has-text("Add a rectification note")');
  await page.click('#add-rectification');
  await page.waitForSelector('.govuk-error-summary');
  await page.fill('#text', 'The family moved to 6 Dune Row in May.');
  await page.click('#add-rectification');
  await page.waitForSelector('[data-testid=rectification]');
  assert.equal(new URL(page.url()).pathname, `/people/${kit.id}`);
  const note = await page.textContent('[data-testid=rectification]');
  assert.match(note, /Rectification note by nina\.hosp/);
  assert.match(note, /6 Dune Row in May/);
  assert.match(await page.textContent('[data-testid=address]'), /4 Dune Row/);
  assert.deepEqual(page.problems.filter((p) => !/status of 422/.test(p)), []);

  // Revoked: a reason is asked for again.
  await mpage.click(`[data-testid^=revoke-]`);
  await mpage.waitForSelector('[data-testid=grant-status]:has-text("Revoked by ag.manager")');
  await page.goto(`${server.url}/people/${kit.id}`);
  await page.waitForSelector('h1:has-text("Give a reason to open this record")');
  assert.deepEqual(mpage.problems.filter((p) => !/status of 422/.test(p)), []);
});
