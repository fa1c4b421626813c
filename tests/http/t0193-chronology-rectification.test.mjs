// Rectification notes in a person's chronology (type "rectification"): each
// note is an event dated the London day it was added, titled with the item it
// is about, its text the note, by its author; on the page (with its own
// checkbox), in the API (types=), within the date range and in the printable
// copy, as the other types are. Notes on another person's record stay there.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, tokenFor, ok, sqlite } from './lib.mjs';

let server, pat, ids, browser;
const sql = (q) => sqlite(server.db, q);
const londonDay = (d) => d.toLocaleDateString('en-CA', { timeZone: 'Europe/London' });
const inWords = (d) => d.toLocaleDateString('en-GB', { timeZone: 'Europe/London', day: 'numeric', month: 'long', year: 'numeric' });
// 23:30 UTC on 29 March 2026 is 00:30 on the 30th in London (summer time began that night).
const lateNight = new Date(Date.UTC(2026, 2, 29, 23, 30));
const brief = (events) => events.map((e) => `${e.date} ${e.type} ${e.title}`);

before(async () => {
  server = await new Server().start();
  const t = await tokenFor(server, 'pat', 'practitioner');
  pat = (m, p, b) => server.api(t, m, p, b);
  const p = await ok(await pat('POST', '/api/v1/people', {
    forenames: 'Carys', surname: 'Chronicle', dob: '2014-02-03', confirm_new: true,
    address: { line1: '12 Wrong Street', town: 'Northtown' },
  }), 201);
  const other = await ok(await pat('POST', '/api/v1/people', { forenames: 'Dylan', surname: 'Elsewhere', confirm_new: true }), 201);
  const note = await ok(await pat('POST', `/api/v1/people/${p.id}/notes`, { type: 'home_visit', occurred_on: '2025-03-03', text: 'Home visit: mother present.' }), 201);
  const contact = await ok(await pat('POST', '/api/v1/contacts', {
    children: [{ person_id: p.id }], referrer: { name: 'School' }, source: '3A', concern: 'Chronology test.',
  }), 201);
  ids = { person: p.id, other: other.id, note: note.id, contact: contact.id, address: Number(sql(`select id from addresses where person_id = ${p.id}`)) };
  const add = async (person, item_type, item_id, text) => {
    await ok(await pat('POST', `/api/v1/people/${person}/rectifications`, { item_type, item_id, text }), 201);
    return Number(sql(`select max(id) from rectifications where person_id = ${person}`));
  };
  ids.onAddress = await add(p.id, 'address', ids.address, 'The street is 12 Right Street.');
  ids.onNote = await add(p.id, 'note', ids.note, 'Mother was not present; it was the aunt.');
  ids.onRecord = await add(p.id, 'person', p.id, 'Date of birth is 2014-03-02 per birth certificate.');
  ids.onContact = await add(p.id, 'contact', ids.contact, 'The school rang, not the nurse.');
  ids.step = contact.children[0].step_id;
  ids.onStep = await add(p.id, 'step', ids.step, 'The referrer was the school nurse.');
  await add(other.id, 'person', other.id, 'Not about Carys.');
  // One note added late at night in summer time: its day is London's, not UTC's.
  sql(`update rectifications set created_at = ${lateNight.getTime() / 1000} where id = ${ids.onNote}`);
  browser = server.client();
  assert.equal((await browser.signIn('pat', server.passwords.pat)).status, 303);
});
after(async () => { await server.stop(); });

test('each rectification note is an event on the day it was added, saying which item it is about', async () => {
  const c = await ok(await pat('GET', `/api/v1/people/${ids.person}/chronology`));
  const rect = c.events.filter((e) => e.type === 'rectification');
  const t = londonDay(new Date());
  assert.deepEqual(new Set(brief(rect.filter((e) => e.source_id !== ids.onStep))), new Set([
    `${t} rectification Rectification note on the address 12 Wrong Street`,
    `${t} rectification Rectification note on the record`,
    `${t} rectification Rectification note on a contact received on ${inWords(new Date())}`,
    '2026-03-30 rectification Rectification note on a case note of 3 March 2025',
  ]));
  // A step is named by its title in the case's workflow definition, as the step's own events are.
  const started = c.events.find((e) => e.type === 'case' && e.source_id === ids.step && e.title.endsWith(' started'));
  const stepTitle = started.title.slice(0, -' started'.length);
  assert.notEqual(stepTitle, sql(`select step from case_steps where id = ${ids.step}`), 'the title, not the id');
  assert.deepEqual(brief(rect.filter((e) => e.source_id === ids.onStep)),
    [`${t} rectification Rectification note on the case step ${stepTitle}`]);
  const onNote = rect.find((e) => e.source_id === ids.onNote);
  assert.equal(onNote.text, 'Mother was not present; it was the aunt.');
  assert.equal(onNote.recorded_by, 'Test pat');
  assert.equal(onNote.recorded_at, '2026-03-29T23:30:00Z');
  assert.equal(rect.find((e) => e.source_id === ids.onAddress).text, 'The street is 12 Right Street.');
  // The items themselves are still there as they were recorded.
  assert.ok(brief(c.events).includes('2025-03-03 note Home visit'));
  assert.ok(c.events.some((e) => e.title === 'Address recorded: 12 Wrong Street, Northtown'));
  assert.ok(!c.events.some((e) => e.text === 'Not about Carys.'), "another person's note is not here");
  const dates = c.events.map((e) => e.date);
  assert.deepEqual(dates, [...dates].sort().reverse(), 'newest date first');
});

test('types= and the date range take rectification notes as they take the other types', async () => {
  const only = await ok(await pat('GET', `/api/v1/people/${ids.person}/chronology?types=rectification`));
  assert.equal(only.events.length, 5);
  assert.ok(only.events.every((e) => e.type === 'rectification'));
  const without = await ok(await pat('GET', `/api/v1/people/${ids.person}/chronology?types=note,address,person,case`));
  assert.ok(without.events.length > 0);
  assert.ok(!without.events.some((e) => e.type === 'rectification'));
  const both = await ok(await pat('GET', `/api/v1/people/${ids.person}/chronology?types=note&types=rectification&to=2026-06-30`));
  assert.deepEqual(brief(both.events), [
    '2026-03-30 rectification Rectification note on a case note of 3 March 2025',
    '2025-03-03 note Home visit',
  ]);
  const day = await ok(await pat('GET', `/api/v1/people/${ids.person}/chronology?types=rectification&from=2026-03-30&to=2026-03-30`));
  assert.deepEqual(day.events.map((e) => e.source_id), [ids.onNote]);
  const utcDay = await ok(await pat('GET', `/api/v1/people/${ids.person}/chronology?types=rectification&from=2026-03-29&to=2026-03-29`));
  assert.deepEqual(utcDay.events, []);
  const bad = await pat('GET', `/api/v1/people/${ids.person}/chronology?types=rectifications`);
  assert.equal(bad.status, 422);
  assert.match(JSON.stringify(bad.body_), /'rectifications' is not a chronology type/);
  const audit = sql(`select detail from audit where action = 'person.chronology-view' and record_id = '${ids.person}' order by id desc limit 1`);
  assert.equal(audit, 'types=rectification from=2026-03-29 to=2026-03-29');
});

test('the page has a checkbox for them, shows them and filters by them; the printable copy has them', async () => {
  const page = await browser.get(`/people/${ids.person}/chronology`);
  assert.equal(page.status, 200);
  assert.match(page.text_, /id="types-rectification" name="types" type="checkbox" value="rectification" checked><label class="govuk-label govuk-checkboxes__label" for="types-rectification">Rectification notes<\/label>/);
  // Each event's markup runs to the next event's.
  const events = page.text_.split('data-testid="event" ').slice(1).map((html) => ({
    type: html.match(/^data-type="([^"]+)"/)[1], date: html.match(/data-date="([^"]+)"/)[1], html,
  }));
  const onNote = events.find((e) => e.html.includes('Rectification note on a case note of 3 March 2025'));
  assert.ok(onNote, 'the note on the case note is on the page');
  assert.equal(onNote.type, 'rectification');
  assert.equal(onNote.date, '2026-03-30');
  assert.match(onNote.html, /recorded by Test pat/);
  assert.match(onNote.html, /<time datetime="2026-03-30">30 March 2026<\/time> · Rectification notes/);
  assert.match(onNote.html, /Mother was not present; it was the aunt\./);
  assert.ok(events.some((e) => e.type === 'rectification' && e.html.includes('Rectification note on the address 12 Wrong Street')));

  const filtered = await browser.get(`/people/${ids.person}/chronology?types=rectification`);
  assert.equal((filtered.text_.match(/data-testid="event"/g) || []).length, 5);
  assert.equal((filtered.text_.match(/data-type="rectification"/g) || []).length, 5);
  assert.match(filtered.text_, /data-testid="filter-summary">Showing Rectification notes\.</);
  assert.match(filtered.text_, /id="types-note" name="types" type="checkbox" value="note">/);
  assert.match(filtered.text_, /href="\/people\/\d+\/chronology\?print=1&amp;types=rectification"/);
  const notes = await browser.get(`/people/${ids.person}/chronology?types=note`);
  assert.doesNotMatch(notes.text_, /data-type="rectification"/);

  const print = await browser.get(`/people/${ids.person}/chronology?print=1&types=rectification&from=2026-01-01`);
  assert.equal(print.status, 200);
  assert.doesNotMatch(print.text_, /<form/);
  assert.match(print.text_, /OFFICIAL-SENSITIVE/);
  assert.equal((print.text_.match(/data-type="rectification"/g) || []).length, 5);
  assert.match(print.text_, /Rectification note on the record/);
  assert.match(print.text_, /The street is 12 Right Street\./);
  assert.match(print.text_, /Rectification note on a case note of 3 March 2025/);
  const audit = sql(`select detail from audit where action = 'person.chronology-view' and record_id = '${ids.person}' order by id desc limit 1`);
  assert.equal(audit, 'types=rectification from=2026-01-01 to=- (for printing)');
});
