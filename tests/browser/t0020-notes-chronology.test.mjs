// A practitioner writes a case note from the person's page in Chromium (the
// character count runs under the CSP), finds it in the chronology, narrows
// the chronology by type, and prints it: with print media the header,
// navigation, footer and forms are hidden and the timeline stays.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server } from '../http/lib.mjs';
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

test('write a note, see it in the chronology, filter, print', async () => {
  const password = server.addUser('pat.practitioner', 'practitioner');
  const page = await newPage(browser);
  await page.goto(`${server.url}/sign-in`);
  await page.fill('#username', 'pat.practitioner');
  await page.fill('#password', password);
  await page.click('button[type=submit]');
  await page.waitForSelector('h1');

  await page.goto(`${server.url}/people/new`);
  await page.fill('#forenames', 'Dana');
  await page.fill('#surname', 'Okoro');
  await page.click('button:has-text("Continue")');
  await page.waitForSelector('[data-testid=person-name]');

  await page.click('a:has-text("Case notes")');
  await page.click('summary:has-text("Add a case note")');
  await page.selectOption('#type', 'home_visit');
  await page.fill('#occurred_on-day', '3');
  await page.fill('#occurred_on-month', '2');
  await page.fill('#occurred_on-year', '2025');
  await page.fill('#text', 'Dana showed me her room.\nShe is sleeping well.');
  // GOV.UK Frontend's character count is running.
  await page.waitForSelector('.govuk-character-count__status');
  assert.match(await page.textContent('.govuk-character-count__status'), /You have 19,9\d\d characters remaining/);
  await page.click('button:has-text("Save note")');
  await page.waitForSelector('.govuk-notification-banner');
  assert.match(await page.textContent('[data-testid=note]'), /Dana showed me her room\.\nShe is sleeping well\./);

  await page.click('a:has-text("Chronology")');
  await page.waitForSelector('[data-testid=timeline]');
  assert.equal(await page.locator('[data-testid=event]').count(), 2); // the note and the record
  await page.uncheck('#types-person');
  await page.click('button:has-text("Apply filters")');
  await page.waitForURL(/types=note/);
  assert.equal(await page.locator('[data-testid=event]').count(), 1);
  assert.match(await page.textContent('[data-testid=event]'), /Home visit[\s\S]*3 February 2025/);

  await page.emulateMedia({ media: 'print' });
  for (const hidden of ['header.govuk-template__header', '.govuk-service-navigation', 'footer.govuk-footer',
    '[data-testid=chronology-filter]', '[data-testid=print-link]']) {
    assert.equal(await page.locator(hidden).first().isVisible(), false, `${hidden} is hidden in print`);
  }
  assert.equal(await page.locator('[data-testid=timeline]').isVisible(), true);
  await page.emulateMedia({ media: 'screen' });
  assert.equal(await page.locator('.govuk-service-navigation').isVisible(), true);
  assert.deepEqual(page.problems, []);
});
