// Search, then create, in Chromium: a practitioner searches for someone who is
// not there, adds them through the form (GOV.UK date input, error summary for a
// bad date linking to the field), sees the record; then adds a similar person,
// is shown "Check for existing records" with the first as a scored candidate,
// opens it, comes back, and confirms that this is a new person.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { Server } from '../http/lib.mjs';
import { launch, newPage } from './browser.mjs';

let server, browser;
const state = {};
before(async () => {
  server = await new Server().start();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

const peopleCount = () => Number(spawnSync('sqlite3', [server.db, 'select count(*) from people'], { encoding: 'utf8' }).stdout);

async function signIn(page, username, password) {
  await page.goto(`${server.url}/sign-in`);
  await page.fill('#username', username);
  await page.fill('#password', password);
  await page.click('button[type=submit]');
  await page.waitForSelector('h1:has-text("Welcome")');
}

async function fillPerson(page, forenames, surname, [day, month, year]) {
  await page.fill('#forenames', forenames);
  await page.fill('#surname', surname);
  await page.fill('#dob-day', day);
  await page.fill('#dob-month', month);
  await page.fill('#dob-year', year);
}

test('search, find no one, add the person (a bad date first: error summary links to the field)', async () => {
  const password = server.addUser('pat.practitioner', 'practitioner');
  const page = await newPage(browser);
  await signIn(page, 'pat.practitioner', password);

  await page.goto(`${server.url}/people`);
  assert.equal(await page.title(), 'Find a person – casework');
  await page.fill('#q', 'Florentyna Achterberg');
  await page.click('button:has-text("Search")');
  await page.waitForSelector('[data-testid=no-results]');
  assert.match(await page.textContent('[data-testid=no-results]'), /No one found for .Florentyna Achterberg./);

  await page.click('a:has-text("Add a new person")');
  await page.waitForURL(/\/people\/new$/);
  // A date that does not exist: the error summary links to the date field.
  await fillPerson(page, 'Florentyna', 'Achterberg', ['30', '2', '2010']);
  await page.click('button:has-text("Continue")');
  await page.waitForSelector('.govuk-error-summary');
  const link = page.locator('.govuk-error-summary a');
  assert.equal(await link.getAttribute('href'), '#dob');
  assert.match(await link.textContent(), /date of birth must be a real date/);
  assert.equal(await page.locator('#dob').count(), 1);
  assert.equal(await page.locator('#dob-error').count(), 1);
  assert.match(await page.title(), /^Error: /);
  // What was typed is kept.
  assert.equal(await page.inputValue('#forenames'), 'Florentyna');
  assert.equal(await page.inputValue('#dob-year'), '2010');
  assert.equal(peopleCount(), 0);

  await fillPerson(page, 'Florentyna', 'Achterberg', ['4', '3', '2010']);
  await page.click('button:has-text("Continue")');
  await page.waitForSelector('[data-testid=person-name]');
  const firstUrl = page.url();
  assert.match(new URL(firstUrl).pathname, /^\/people\/\d+$/);
  assert.equal(await page.textContent('[data-testid=person-name]'), 'Florentyna Achterberg');
  assert.match(await page.textContent('.govuk-summary-list'), /Date of birth\s*4 March 2010/);
  assert.match(await page.textContent('.govuk-notification-banner'), /Record created/);
  assert.equal(peopleCount(), 1);

  // The only console errors allowed are the deliberate bad date's 422.
  assert.deepEqual(page.problems.filter((p) => !/status of 422/.test(p)), []);
  state.page = page;
  state.firstUrl = firstUrl.replace(/\?.*$/, '');
});

// Add a person similar to the first; on the check page, the first is listed with a score.
async function reachCheck(page, forenames) {
  await page.goto(`${server.url}/people/new`);
  await fillPerson(page, forenames, 'Achterberg', ['04', '03', '2010']);
  await page.click('button:has-text("Continue")');
  await page.waitForSelector('h1:has-text("Check for existing records")');
  const candidate = page.locator('[data-testid=people-results] tbody tr', { hasText: 'Florentyna' });
  assert.equal(await candidate.count(), 1);
  const cells = await candidate.locator('td').allTextContents();
  assert.match(cells[0], /^Florentyna Achterberg/);
  assert.equal(cells[1], '4 March 2010');
  const score = Number(cells.at(-1).match(/^(\d+)%/)?.[1]);
  assert.ok(score >= 50 && score < 100, cells.at(-1));
  assert.match(cells.at(-1), /date of birth matches/);
  return candidate;
}

async function confirmNew(page, name, count) {
  await page.click('[data-testid=confirm-new]');
  await page.waitForSelector('[data-testid=person-name]');
  assert.equal(await page.textContent('[data-testid=person-name]'), name);
  assert.notEqual(page.url().replace(/\?.*$/, ''), state.firstUrl);
  assert.match(await page.textContent('.govuk-summary-list'), /Date of birth\s*4 March 2010/);
  assert.equal(peopleCount(), count);
}

test('a similar second person: the check page lists the first with a score; confirm creates', async () => {
  const { page } = state;
  page.problems.length = 0;
  await reachCheck(page, 'Florentina');
  assert.equal(peopleCount(), 1);
  await confirmNew(page, 'Florentina Achterberg', 2);
  assert.deepEqual(page.problems, []);
});

test('from the check page, open the candidate in a new tab, then confirm new', async () => {
  const { page } = state;
  page.problems.length = 0;
  const candidate = await reachCheck(page, 'Florentine');
  // The check page answers a POST and is never cached, so the candidate opens
  // in a new tab and the check page stays where it is.
  const link = candidate.locator('a');
  assert.match(await link.textContent(), /\(opens in new tab\)/);
  const [tab] = await Promise.all([page.context().waitForEvent('page'), link.click()]);
  await tab.waitForLoadState();
  assert.equal(new URL(tab.url()).pathname, new URL(state.firstUrl).pathname);
  assert.equal(await tab.textContent('[data-testid=person-name]'), 'Florentyna Achterberg');
  await tab.close();
  assert.match(await page.textContent('h1'), /Check for existing records/);
  assert.equal(peopleCount(), 2);
  await confirmNew(page, 'Florentine Achterberg', 3);
  assert.deepEqual(page.problems, []);
});
