// A children's complaint in Chromium through stage 1 to stage 2 with an
// extension: the complaints officer records it from the form, extends stage 1
// with a reason (a date past the statutory limit first, refused with the
// error summary), completes it with an outcome per point, starts stage 2
// with an investigator and an independent person, and sees stage 2's
// deadline and the points carried forward.
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

test('a children\'s complaint through stage 1 to stage 2 with an extension', async () => {
  const password = server.addUser('cal.complaints', 'complaints_officer');
  const page = await newPage(browser);
  await page.goto(`${server.url}/sign-in`);
  await page.fill('#username', 'cal.complaints');
  await page.fill('#password', password);
  await page.click('button[type=submit]');
  await page.waitForSelector('h1');

  await page.click('a.govuk-service-navigation__link:has-text("Complaints")');
  await page.click('a:has-text("Record one")');
  await page.selectOption('#kind', 'complaint');
  await page.selectOption('#procedure', 'children');
  await page.selectOption('#about_type', 'service');
  await page.fill('#about', 'Short breaks service');
  await page.selectOption('#service_area', 'childrens_services');
  await page.selectOption('#channel', 'letter');
  await page.fill('#from_name', 'Ray Carer');
  await page.fill('#received_on', '2026-06-01');
  await page.fill('#summary', 'Short breaks stopped without a review.');
  await page.fill('#points', 'No review before stopping\nNo written reasons');
  await page.click('button:has-text("Record")');
  await page.waitForURL(/\/complaints\/\d+$/);
  assert.match(await page.textContent('[data-testid=stage-1] [data-testid=due]'), /15 June 2026 at 11:59pm/);

  await page.fill('#due_on', '2026-07-01');
  await page.fill('#extend-reason', 'Complex: needs the short breaks panel minutes');
  await page.click('#extend-button');
  await page.waitForSelector('.govuk-error-summary');
  assert.match(await page.textContent('.govuk-error-summary'), /no later than 2026-06-29/);
  await page.fill('#due_on', '2026-06-29');
  await page.fill('#extend-reason', 'Complex: needs the short breaks panel minutes');
  await page.click('#extend-button');
  await page.waitForSelector('[data-testid=extension]');
  assert.match(await page.textContent('[data-testid=stage-1] [data-testid=due]'), /29 June 2026 at 11:59pm/);
  assert.match(await page.textContent('[data-testid=extension]'), /from 15 June 2026 at 11:59pm: Complex/);

  await page.selectOption('#outcome-1', 'upheld');
  await page.selectOption('#outcome-2', 'not_upheld');
  await page.click('#complete-button');
  await page.waitForSelector('#escalate-button');
  assert.match(await page.textContent('[data-testid=stage-1]'), /No review before stopping: Upheld[\s\S]*No written reasons: Not upheld/);

  await page.fill('#investigator', 'Indie Investigator');
  await page.fill('#independent_person', 'Ivy Person');
  await page.click('#escalate-button');
  await page.waitForSelector('[data-testid=stage-2]');
  const stage2 = await page.textContent('[data-testid=stage-2]');
  assert.match(stage2, /25 working days, extendable to 65 working days/);
  assert.match(stage2, /Indie Investigator[\s\S]*Ivy Person/);
  assert.match(stage2, /No review before stopping: Not decided[\s\S]*No written reasons: Not decided/);
  assert.deepEqual(page.problems.filter((x) => !/status of 422/.test(x)), []);
});
