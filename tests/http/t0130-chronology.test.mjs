// A person's chronology: events from case notes, names, addresses,
// relationships (rows put in with the sqlite3 command, as nothing writes them
// yet) and the record itself, in date order newest first; filters by type and
// date range with errors naming the parameter; restricted people left
// unnamed; the page's filter form; the printable copy without header,
// navigation, footer or forms; and the audit row of every view.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { Server, tokenFor } from './lib.mjs';

function sql(db, query) {
  const r = spawnSync('sqlite3', [db, query], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

function client(url, token) {
  return async (method, p, body) => {
    const res = await fetch(url + p, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    res.body_ = text ? JSON.parse(text) : null;
    return res;
  };
}

function audited(db, res) {
  return sql(db, `select action || '|' || coalesce(record_id, '') || '|' || coalesce(detail, '') from audit
    where request_id = '${res.headers.get('x-request-id')}' order by id`).split('\n').filter(Boolean);
}

const today = () => new Date().toLocaleDateString('en-CA', { timeZone: 'Europe/London' });

let server, pat, sam, root, child, mother, hidden, browser;

async function ok(res, status = 200) {
  assert.equal(res.status, status, JSON.stringify(res.body_));
  return res.body_;
}

function relationship(personId, relatedId, type, from, to = null, prof = null) {
  const q = (v) => (v === null ? 'null' : `'${v}'`);
  sql(server.db, `insert into relationships (person_id, related_id, type, professional_name, professional_org,
    from_date, to_date, created_at) values (${personId}, ${relatedId === null ? 'null' : relatedId}, '${type}',
    ${q(prof && prof[0])}, ${q(prof && prof[1])}, ${q(from)}, ${q(to)}, strftime('%s', 'now'))`);
}

before(async () => {
  server = await new Server().start();
  pat = client(server.url, await tokenFor(server, 'pat', 'practitioner'));
  sam = client(server.url, await tokenFor(server, 'sam', 'practitioner'));
  root = client(server.url, await tokenFor(server, 'root', 'administrator'));
  child = (await ok(await pat('POST', '/api/v1/people', { forenames: 'Amy', surname: 'Lee', dob: '2015-03-04',
    confirm_new: true, address: { line1: '1 Old Lane', town: 'Northtown', postcode: 'sw1a1aa' } }), 201)).id;
  mother = (await ok(await pat('POST', '/api/v1/people', { forenames: 'Beth', surname: 'Lee', confirm_new: true }), 201)).id;
  hidden = (await ok(await root('POST', '/api/v1/people', { forenames: 'Cal', surname: 'Hidden', restricted: true, confirm_new: true }), 201)).id;
  await ok(await pat('PATCH', `/api/v1/people/${child}`, { forenames: 'Amelia' }));
  await ok(await pat('POST', `/api/v1/people/${child}/names`, { forenames: 'Mia', surname: 'Lee', from_date: '2020-01-01' }), 201);
  await ok(await pat('POST', `/api/v1/people/${child}/addresses`, { line1: '2 New Road', town: 'Northtown', postcode: 'SW1A 2AA', from_date: '2024-09-01' }), 201);
  await ok(await pat('POST', `/api/v1/people/${child}/notes`, { type: 'home_visit', occurred_on: '2025-11-15', text: 'Seen at home with mum.' }), 201);
  await ok(await pat('POST', `/api/v1/people/${child}/notes`, { type: 'phone_call', occurred_on: '2025-06-01', text: 'School called.' }), 201);
  relationship(mother, child, 'mother', '2015-03-04');
  relationship(child, null, 'prof_social_worker', '2025-02-01', '2025-10-31', ['Jo Bloggs', 'Northshire Council']);
  relationship(child, hidden, 'sibling', '2019-01-01');
  browser = server.client(); // the family's worker (need-to-know)
  assert.equal((await browser.signIn('pat', server.passwords.pat)).status, 303);
});
after(async () => { await server.stop(); });

const brief = (events) => events.map((e) => `${e.date} ${e.type} ${e.title}`);

test('everything about a person, newest first, in one timeline', async () => {
  const c = await ok(await pat('GET', `/api/v1/people/${child}/chronology`));
  assert.equal(c.person_name, 'Amelia Lee');
  assert.equal(c.truncated, false);
  const t = today();
  assert.deepEqual(new Set(brief(c.events)), new Set([
    `${t} name Name changed from Amy Lee to Amelia Lee`,
    `${t} address Address recorded: 1 Old Lane, Northtown, SW1A 1AA`,
    `${t} person Record created`,
    '2025-11-15 note Home visit',
    '2025-10-31 relationship Jo Bloggs (Northshire Council) stopped being their social worker',
    '2025-06-01 note Phone call',
    '2025-02-01 relationship Jo Bloggs (Northshire Council) became their social worker',
    '2024-09-01 address Moved to 2 New Road, Northtown, SW1A 2AA',
    '2020-01-01 name Also known as Mia Lee',
    '2019-01-01 relationship Became sibling of a person whose record is restricted',
    '2015-03-04 relationship Became child of Beth Lee',
    '2015-03-04 person Born',
  ]));
  const dates = c.events.map((e) => e.date);
  assert.deepEqual(dates, [...dates].sort().reverse(), 'newest date first');
  const created = brief(c.events).indexOf(`${t} person Record created`);
  assert.ok(created > brief(c.events).indexOf(`${t} address Address recorded: 1 Old Lane, Northtown, SW1A 1AA`),
    'the record is created before what was recorded with it');
  assert.equal(c.events.at(-1).title, 'Born');

  const note = c.events.find((e) => e.title === 'Home visit');
  assert.equal(note.text, 'Seen at home with mum.');
  assert.equal(note.recorded_by, 'Test pat');
  assert.equal(note.source_id, Number(sql(server.db, "select id from notes where body = 'Seen at home with mum.'")));
  assert.equal(c.events.find((e) => e.title === 'Became child of Beth Lee').related_person_id, mother);
  assert.equal(c.events.find((e) => e.title.includes('restricted')).related_person_id, undefined);

  // The other side of the same row, from the mother's record; with a grant, the name shows.
  const m = await ok(await pat('GET', `/api/v1/people/${mother}/chronology?types=relationship`));
  assert.deepEqual(brief(m.events), ['2015-03-04 relationship Became mother of Amelia Lee']);
  assert.equal(m.events[0].related_person_id, child);
  const rootId = Number(sql(server.db, "select id from users where username = 'root'"));
  await ok(await root('POST', `/api/v1/people/${child}/grants`, { user_id: rootId, reason: 'Sibling\'s worker' }), 204);
  const r = await ok(await root('GET', `/api/v1/people/${child}/chronology?types=relationship`));
  assert.ok(brief(r.events).includes('2019-01-01 relationship Became sibling of Cal Hidden'));
  // A later note edit moves its event to its new date.
  const id = note.source_id;
  await ok(await pat('PATCH', `/api/v1/notes/${id}`, { occurred_on: '2025-01-02' }));
  const moved = await ok(await pat('GET', `/api/v1/people/${child}/chronology?types=note`));
  assert.deepEqual(brief(moved.events), ['2025-06-01 note Phone call', '2025-01-02 note Home visit']);
  await ok(await pat('PATCH', `/api/v1/notes/${id}`, { occurred_on: '2025-11-15' }));
});

test('filters: types (comma-separated or repeated) and a date range, both ends included', async () => {
  const get = async (q) => brief((await ok(await pat('GET', `/api/v1/people/${child}/chronology?${q}`))).events);
  assert.deepEqual(await get('types=note'), ['2025-11-15 note Home visit', '2025-06-01 note Phone call']);
  const both = await get('types=note,address');
  assert.deepEqual(await get('types=note&types=address'), both);
  assert.equal(both.length, 4);
  assert.ok(both.every((e) => / (note|address) /.test(e)));
  assert.deepEqual(await get('from=2025-02-01&to=2025-10-31'), [
    '2025-10-31 relationship Jo Bloggs (Northshire Council) stopped being their social worker',
    '2025-06-01 note Phone call',
    '2025-02-01 relationship Jo Bloggs (Northshire Council) became their social worker',
  ]);
  assert.deepEqual(await get('types=person&to=2015-12-31'), ['2015-03-04 person Born']);
  assert.deepEqual(await get('types=note&from=2025-11-16'), []);

  for (const [q, field, detail] of [
    ['types=notes', 'types', /'notes' is not a chronology type/],
    ['from=2025-02-30', 'from', /real date/],
    ['to=yesterday', 'to', /real date/],
    ['from=2025-03-01&to=2025-02-01', 'to', /same as or after the from date/],
  ]) {
    const res = await pat('GET', `/api/v1/people/${child}/chronology?${q}`);
    assert.equal(res.status, 422, q);
    assert.equal(res.body_.field, field, q);
    assert.match(res.body_.detail, detail, q);
  }
});

test('a restricted record has no chronology without a grant; every view is audited', async () => {
  assert.equal((await sam('GET', `/api/v1/people/${hidden}/chronology`)).status, 404);
  assert.equal((await pat('GET', '/api/v1/people/999999/chronology')).status, 404);
  const res = await root('GET', `/api/v1/people/${hidden}/chronology`);
  assert.equal(res.status, 200);
  assert.deepEqual(audited(server.db, res), [`person.chronology-view|${hidden}|types=person,name,address,relationship,note,case,rectification from=- to=-`]);
  const f = await pat('GET', `/api/v1/people/${child}/chronology?types=address,note&from=2025-01-01`);
  assert.deepEqual(audited(server.db, f), [`person.chronology-view|${child}|types=address,note from=2025-01-01 to=-`]);
  const bad = await pat('GET', `/api/v1/people/${child}/chronology?types=x`);
  assert.deepEqual(audited(server.db, bad), [], 'a refused filter reads nothing');
});

test('the chronology page: timeline, filter form, links, errors by field', async () => {
  const page = await browser.get(`/people/${child}/chronology`);
  assert.equal(page.status, 200);
  assert.match(page.text_, /class="govuk-service-navigation"/);
  assert.match(page.text_, /data-testid="chronology-filter"/);
  const types = [...page.text_.matchAll(/data-testid="event" data-type="(\w+)" data-date="([\d-]+)"/g)];
  assert.equal(types.length, 12);
  assert.match(page.text_, new RegExp(`<a class="govuk-link" href="/people/${mother}">Became child of Beth Lee</a>`));
  assert.match(page.text_, /<a class="govuk-link" href="\/people\/\d+\/notes\/\d+">Home visit<\/a>/);
  assert.match(page.text_, /recorded by Test pat/);
  assert.match(page.text_, /4 March 2015/);

  const filtered = await browser.get(`/people/${child}/chronology?types=note&types=name&from=2020-01-01`);
  const shown = [...filtered.text_.matchAll(/data-type="(\w+)"/g)].map((m) => m[1]);
  assert.deepEqual([...new Set(shown)].sort(), ['name', 'note']);
  assert.equal(shown.length, 4);
  assert.match(filtered.text_, /id="types-note" name="types" type="checkbox" value="note" checked/);
  assert.doesNotMatch(filtered.text_, /value="address" checked/);
  assert.match(filtered.text_, /href="\/people\/\d+\/chronology\?print=1&amp;types=name&amp;types=note&amp;from=2020-01-01"/);

  const bad = await browser.get(`/people/${child}/chronology?from=2025-03-01&to=2025-02-01`);
  assert.equal(bad.status, 422);
  assert.match(bad.text_, /<a href="#to">The to date must be the same as or after the from date<\/a>/);
  assert.equal((await browser.get('/people/999999/chronology')).status, 404);
});

test('the printable chronology has no header, navigation, footer or forms; the print stylesheet hides them too', async () => {
  const res = await browser.get(`/people/${child}/chronology?print=1&types=note`);
  assert.equal(res.status, 200);
  for (const absent of [/<header/, /govuk-service-navigation/, /<footer/, /<form/, /<nav/, /Sign out/, /csrf_token/]) {
    assert.doesNotMatch(res.text_, absent);
  }
  assert.match(res.text_, /<h1 class="govuk-heading-l">Chronology<\/h1>/);
  assert.match(res.text_, /OFFICIAL-SENSITIVE/);
  assert.equal((res.text_.match(/data-testid="event"/g) || []).length, 2);
  assert.ok(audited(server.db, res).some((a) => a.endsWith('(for printing)')));

  const css = await (await fetch(`${server.url}/assets/casework.css`)).text();
  const print = css.slice(css.indexOf('@media print'));
  assert.ok(css.includes('@media print'));
  for (const sel of ['.govuk-template__header', '.govuk-service-navigation', '.govuk-footer', 'form']) {
    assert.ok(print.includes(sel), `print stylesheet hides ${sel}`);
  }
  assert.match(print, /display: none !important/);
});
