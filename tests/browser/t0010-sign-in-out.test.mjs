// A person signs in through the real form in Chromium, sees the home page
// with the design system's script running, and signs out.
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

test('sign in, see home, sign out', async () => {
  const password = server.addUser('pat.practitioner', 'practitioner');
  const page = await newPage(browser);
  await page.goto(`${server.url}/`);
  assert.match(page.url(), /\/sign-in\?next=%2F$/);
  assert.equal(await page.title(), 'Sign in – casework');

  await page.fill('#username', 'pat.practitioner');
  await page.fill('#password', 'not the password');
  await page.click('button[type=submit]');
  await page.waitForSelector('.govuk-error-summary');
  assert.match(await page.textContent('.govuk-error-summary'), /username or password is wrong/);
  assert.equal(await page.inputValue('#username'), 'pat.practitioner');

  // The rest of the sign-in by keyboard alone: focus the field, type, Enter.
  await page.focus('#password');
  await page.keyboard.type(password);
  await page.keyboard.press('Enter');
  await page.waitForSelector('h1:has-text("Welcome, Test pat.practitioner")');
  assert.equal(new URL(page.url()).pathname, '/');
  // The module script ran under the CSP and the GOV.UK styles loaded.
  await page.waitForFunction(() => document.body.classList.contains('govuk-frontend-supported'));
  const font = await page.evaluate(() => getComputedStyle(document.querySelector('h1')).fontWeight);
  assert.equal(font, '700');
  // A practitioner is not offered administration.
  assert.equal(await page.locator('a[href="/admin/users"]').count(), 0);

  // Keyboard: the skip link is the first thing Tab reaches.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Skip to main content');
  // (A focused skip link is shown and pushes the page down; blur it so the
  // layout is settled before the mouse click below.)
  await page.evaluate(() => document.activeElement.blur());

  await page.click('[data-testid=sign-out]');
  await page.waitForURL(/\/sign-in\?signed_out=1$/);
  assert.match(await page.textContent('main'), /You have signed out\./);
  await page.goto(`${server.url}/`);
  assert.match(page.url(), /\/sign-in/);
  // The only console error allowed is the deliberate wrong password's 401.
  assert.deepEqual(page.problems.filter((p) => !/status of 401/.test(p)), []);
});

test('an administrator adds a user who can then sign in', async () => {
  const page = await newPage(browser);
  await page.goto(`${server.url}/sign-in`);
  await page.fill('#username', 'admin');
  await page.fill('#password', server.adminPassword);
  await page.click('button[type=submit]');
  await page.click('a[href="/admin/users"] >> nth=0');
  await page.fill('#username', 'new.worker');
  await page.fill('#display_name', 'Nia Worker');
  await page.check('#role-manager');
  await page.click('button:has-text("Add user")');
  const password = (await page.textContent('[data-testid=password]')).trim();
  assert.match(password, /^[A-Za-z0-9]{20}$/);
  assert.match(await page.textContent('table'), /new\.worker/);

  const other = await newPage(browser);
  await other.goto(`${server.url}/sign-in`);
  await other.fill('#username', 'new.worker');
  await other.fill('#password', password);
  await other.click('button[type=submit]');
  await other.waitForSelector('h1:has-text("Welcome, Nia Worker")');
  assert.deepEqual(page.problems, []);
});
