// A councillor's enquiry in Chromium, from submission to reply: the
// councillor logs it through the form with a document (a disguised
// executable first, refused with the error summary), sees it on their
// dashboard with its status and deadline and filters the list; the
// co-ordinator assigns a lead officer; the councillor asks for an update;
// the lead officer records the reply; the councillor sees it completed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server } from '../http/lib.mjs';
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

const signIn = (username, password) => signInPage(browser, server.url, username, password);

test('a councillor enquiry from submission to reply', async () => {
  const cllr = await signIn('cllr.dee', server.addUser('cllr.dee', 'councillor'));
  const coordPassword = server.addUser('cody.coord', 'enquiry_coordinator');
  const officerPassword = server.addUser('ola.officer', 'practitioner');

  await cllr.click('a.govuk-service-navigation__link:has-text("Enquiries")');
  await cllr.click('a:has-text("Log an enquiry")');
  await cllr.fill('#councillor_email', 'dee@example.gov.uk');
  await cllr.selectOption('#service_area', 'waste');
  await cllr.selectOption('#enquiry_type', 'service_request');
  await cllr.selectOption('#district', 'central');
  await cllr.fill('#constituent_surname', 'Nowak');
  await cllr.fill('#details', 'Bins on Mill Lane missed three weeks running.');
  await cllr.check('#contact_method-email');
  await cllr.setInputFiles('#documents', {
    name: 'bins.pdf', mimeType: 'application/pdf', buffer: Buffer.from('MZ\x90\x00This program cannot be run in DOS mode'),
  });
  await cllr.click('button:has-text("Send enquiry")');
  await cllr.waitForSelector('.govuk-error-summary');
  assert.match(await cllr.textContent('.govuk-error-summary'), /bins\.pdf is not a PDF: its contents are a Windows program/);
  assert.equal(await cllr.inputValue('#details'), 'Bins on Mill Lane missed three weeks running.');
  await cllr.setInputFiles('#documents', { name: 'bins.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n%%EOF\n') });
  await cllr.click('button:has-text("Send enquiry")');
  await cllr.waitForURL(/\/enquiries\/\d+$/);
  const id = Number(cllr.url().split('/').pop());
  assert.match(await cllr.textContent('main'), /Waste and recycling[\s\S]*New[\s\S]*\(3 working days\)/);
  assert.match(await cllr.textContent('[data-testid=documents]'), /bins\.pdf/);

  await cllr.goto(`${server.url}/enquiries`);
  assert.equal(await cllr.textContent('[data-testid=count-new]'), '1');
  assert.equal(await cllr.locator('[data-testid=enquiry]').count(), 1);
  await cllr.selectOption('#district', 'north');
  await cllr.click('#apply');
  await cllr.waitForSelector('[data-testid=no-enquiries]');
  await cllr.click('#reset');
  await cllr.waitForSelector('[data-testid=enquiry]');
  assert.match(await cllr.getAttribute('#export', 'href'), /^\/enquiries\/export\.csv$/);

  const coord = await signIn('cody.coord', coordPassword);
  await coord.goto(`${server.url}/enquiries/coordinate`);
  await coord.click(`a[href="/enquiries/${id}"]`);
  await coord.selectOption('#lead_officer', { label: 'Test ola.officer (practitioner)' });
  await coord.click('#assign-button');
  await coord.waitForSelector('text=Officers assigned');
  assert.match(await coord.textContent('[data-testid=status]'), /In progress/);

  await Promise.all([cllr.waitForNavigation(), cllr.click('button:has-text("Request an update")')]);
  assert.match(cllr.url(), /\/enquiries$/);
  assert.match(await cllr.textContent('[data-testid=enquiry]'), /Update requested/);

  const officer = await signIn('ola.officer', officerPassword);
  await officer.goto(`${server.url}/enquiries`);
  await officer.click(`a[href="/enquiries/${id}"]`);
  await officer.fill('#reply-reply', 'Crews collected on Monday; the round has been corrected.');
  await officer.click('#reply-button');
  await officer.waitForSelector('[data-testid=reply]');

  await cllr.goto(`${server.url}/enquiries/${id}`);
  assert.match(await cllr.textContent('[data-testid=status]'), /Completed/);
  assert.match(await cllr.textContent('[data-testid=reply]'), /round has been corrected/);
  assert.match(await cllr.textContent('[data-testid=history]'), /Enquiry logged[\s\S]*Officers assigned[\s\S]*Update requested[\s\S]*Reply/);
  await cllr.goto(`${server.url}/enquiries`);
  assert.equal(await cllr.textContent('[data-testid=count-completed]'), '1');
  for (const p of [cllr, coord, officer])
    assert.deepEqual(p.problems.filter((x) => !/status of 422/.test(x)), []);
});
