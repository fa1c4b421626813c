// Merging duplicates in Chromium: from the probable-duplicates report a worker
// opens a pair, compares the two records side by side, confirms the merge with
// a reason, sees the surviving record (holding the other's address and name),
// and undoes the merge.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, tokenFor } from '../http/lib.mjs';
import { launch, newPage } from './browser.mjs';

let server, browser, token;
before(async () => {
  server = await new Server().start();
  browser = await launch();
  token = await tokenFor(server, 'seed.admin', 'administrator');
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

async function person(body, as = token) {
  const res = await fetch(`${server.url}/api/v1/people`, {
    method: 'POST',
    headers: { authorization: `Bearer ${as}`, 'content-type': 'application/json' },
    body: JSON.stringify({ confirm_new: true, ...body }),
  });
  assert.equal(res.status, 201);
  return (await res.json()).id;
}

test('open a pair from the report, confirm the merge, see the survivor, undo', async () => {
  // Fay recorded both (need-to-know: her records), the second by mistake.
  const fay = await tokenFor(server, 'fay.frontdoor', 'practitioner');
  const password = server.passwords['fay.frontdoor'];
  const keep = await person({ forenames: 'Harriet', surname: 'Blackwood', dob: '2014-05-06' }, fay);
  const dup = await person({
    forenames: 'Harriett', surname: 'Blackwood', dob: '2014-05-06',
    address: { line1: '12 Orchard Close', postcode: 'YO1 7HH' },
  }, fay);
  const page = await newPage(browser);
  await page.goto(`${server.url}/sign-in`);
  await page.fill('#username', 'fay.frontdoor');
  await page.fill('#password', password);
  await page.click('button[type=submit]');
  await page.waitForSelector('h1:has-text("Welcome")');

  await page.click('a[href="/people"] >> nth=0');
  await page.click('a[href="/people/duplicates"]');
  await page.waitForSelector('h1:has-text("Probable duplicate records")');
  const row = page.locator('[data-testid=pair]', { hasText: 'Harriett Blackwood' });
  assert.match(await row.textContent(), /Harriet Blackwood/);
  await row.locator('a:has-text("Compare")').click();

  await page.waitForSelector('h1:has-text("Merge two records")');
  const compare = await page.textContent('[data-testid=compare]');
  assert.match(compare, new RegExp(`Keep: person ${keep}`));
  assert.match(compare, /12 Orchard Close/);
  // Without a reason the merge is refused, with the error linked to the field.
  await page.click('[data-testid=confirm-merge]');
  await page.waitForSelector('.govuk-error-summary');
  assert.match(await page.textContent('.govuk-error-summary'), /Enter the reason/);
  await page.fill('#reason', 'Same child: nursery confirmed the spelling');
  await page.click('[data-testid=confirm-merge]');

  await page.waitForSelector('[data-testid=merged]');
  assert.match(await page.textContent('h1'), new RegExp(`merged into Harriet Blackwood \\(${keep}\\)`));
  await page.click('[data-testid=survivor]');
  await page.waitForSelector('[data-testid=person-name]');
  assert.equal(new URL(page.url()).pathname, `/people/${keep}`);
  assert.match(await page.textContent('main'), /12 Orchard Close/);
  assert.match(await page.textContent('main'), /Harriett Blackwood \(alternative/);
  // The merged-away id still opens the survivor.
  await page.goto(`${server.url}/people/${dup}`);
  assert.match(await page.textContent('main'), new RegExp(`Record ${dup} was merged into this one`));

  await page.goBack();
  await page.goBack();
  await page.waitForSelector('[data-testid=undo]');
  await page.fill('#reason', 'Nursery corrected itself: two children');
  await page.click('[data-testid=undo]');
  await page.waitForSelector('[data-testid=undone]');
  assert.match(await page.textContent('[data-testid=undone-note]'), /two children/);
  await page.goto(`${server.url}/people/${dup}`);
  assert.equal(await page.textContent('[data-testid=person-name]'), 'Harriett Blackwood');
  assert.deepEqual(page.problems.filter((p) => !/status of 422/.test(p)), []);
});
