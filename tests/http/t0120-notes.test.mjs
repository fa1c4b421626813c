// Case notes: create through the API and the page, validation errors naming
// the field (nothing written), corrections inside the edit window change the
// current version in place, edits after it (the clock moved with
// CASEWORK_CLOCK_OFFSET_SECONDS across a restart) add a visible version with
// every earlier one kept, only the author edits, restricted records hide
// their notes, full-text search (stemming, prefixes, the index following
// edits, restricted records left out) and the audit rows of every read and
// write. Database state is checked with the sqlite3 command.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { Server, csrfFrom, tokenFor } from './lib.mjs';

function sql(db, query) {
  const r = spawnSync('sqlite3', [db, query], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

// The audit rows a response's request wrote, as "action|record_type|record_id|detail".
function audited(db, res) {
  const id = res.headers.get('x-request-id');
  return sql(db, `select action || '|' || coalesce(record_type, '') || '|' || coalesce(record_id, '')
    || '|' || coalesce(detail, '') from audit where request_id = '${id}' order by id`).split('\n').filter(Boolean);
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

let server, pat, sam, root, ivy; // practitioner (author), practitioner, administrator, auditor

async function newPerson(api, forenames, surname, extra = {}) {
  const res = await api('POST', '/api/v1/people', { forenames, surname, confirm_new: true, ...extra });
  assert.equal(res.status, 201, JSON.stringify(res.body_));
  return res.body_.id;
}

async function addNote(api, personId, fields = {}) {
  const res = await api('POST', `/api/v1/people/${personId}/notes`,
    { type: 'home_visit', occurred_on: '2026-01-15', text: 'Saw the family at home.', ...fields });
  assert.equal(res.status, 201, JSON.stringify(res.body_));
  return res.body_;
}

before(async () => {
  server = await new Server().start();
  pat = client(server.url, await tokenFor(server, 'pat', 'practitioner'));
  sam = client(server.url, await tokenFor(server, 'sam', 'practitioner'));
  root = client(server.url, await tokenFor(server, 'root', 'administrator'));
  ivy = client(server.url, await tokenFor(server, 'ivy', 'auditor'));
});
after(async () => { await server.stop(); });

test('a note is created with its type, date, author and text, and read back with version 1', async () => {
  const person = await newPerson(pat, 'Nora', 'Quill');
  const res = await pat('POST', `/api/v1/people/${person}/notes`,
    { type: 'phone_call', occurred_on: '2026-02-03', text: 'Mum phoned.\nSchool worried about attendance.' });
  assert.equal(res.status, 201);
  const n = res.body_;
  assert.equal(res.headers.get('location'), `/api/v1/notes/${n.id}`);
  assert.deepEqual({ type: n.type, occurred_on: n.occurred_on, text: n.text, version: n.version, person_id: n.person_id },
    { type: 'phone_call', occurred_on: '2026-02-03', text: 'Mum phoned.\nSchool worried about attendance.', version: 1, person_id: person });
  assert.equal(n.author.name, 'Test pat');
  assert.equal(n.versions.length, 1);
  assert.equal(n.versions[0].corrected_in_place, false);
  assert.deepEqual(audited(server.db, res).filter((a) => a.startsWith('note.')),
    [`note.create|person|${person}|note ${n.id} created (phone_call)`]);

  const list = await ivy('GET', `/api/v1/people/${person}/notes`);
  assert.equal(list.status, 200, 'an auditor reads notes');
  assert.equal(list.body_.person_name, 'Nora Quill');
  assert.deepEqual(list.body_.notes.map((x) => x.id), [n.id]);
  assert.deepEqual(audited(server.db, list), [`person.notes-view|person|${person}|list`]);
  const one = await ivy('GET', `/api/v1/notes/${n.id}`);
  assert.equal(one.body_.text, n.text);
  assert.deepEqual(audited(server.db, one), [`person.notes-view|person|${person}|note ${n.id}`]);
  assert.equal((await pat('GET', '/api/v1/people/999999/notes')).status, 404);
  assert.equal((await pat('GET', '/api/v1/notes/999999')).status, 404);
  assert.equal((await ivy('POST', `/api/v1/people/${person}/notes`, { type: 'other', occurred_on: '2026-01-01', text: 'x' })).status, 403);
});

test('bad input is refused with 422 naming the field, and nothing is written', async () => {
  const person = await newPerson(pat, 'Olive', 'Rook');
  const count = () => sql(server.db, 'select count(*) from notes') + '/' + sql(server.db, 'select count(*) from note_versions');
  const before = count();
  const base = { type: 'home_visit', occurred_on: '2026-01-15', text: 'fine' };
  const cases = [
    [{ type: undefined }, 'type', /required/i],
    [{ type: 'visit' }, 'type', /not a code in the note_type list/],
    [{ type: '' }, 'type', /Choose the type/],
    [{ occurred_on: undefined }, 'occurred_on', /required/i],
    [{ occurred_on: '2026-02-30' }, 'occurred_on', /real date in the form YYYY-MM-DD/],
    [{ occurred_on: '15/01/2026' }, 'occurred_on', /real date/],
    [{ occurred_on: '2999-01-01' }, 'occurred_on', /today or in the past/],
    [{ text: '' }, 'text', /Enter the note/],
    [{ text: ' \n\t ' }, 'text', /Enter the note/],
    [{ text: 'x'.repeat(20001) }, 'text', /20000 characters or fewer/],
    [{ text: 'é'.repeat(20001) }, 'text', /20000 characters or fewer/],
    [{ text: 'bell \u0007 here' }, 'text', /control characters/],
    [{ text: 5 }, 'text', /string/i],
    [{ author: 'someone' }, 'author', /Unknown field/],
  ];
  for (const [change, field, detail] of cases) {
    const res = await pat('POST', `/api/v1/people/${person}/notes`, { ...base, ...change });
    assert.equal(res.status, 422, JSON.stringify(change));
    assert.equal(res.body_.field, field, JSON.stringify(change));
    assert.match(res.body_.detail, detail, JSON.stringify(change));
  }
  assert.equal(count(), before);
  // The limits are inclusive, and counted in characters, not bytes.
  assert.equal((await addNote(pat, person, { text: 'é'.repeat(20000) })).text.length, 20000);
  assert.equal((await addNote(pat, person, { text: 'x' })).text, 'x');
  // Invalid UTF-8 from a form never reaches the domain.
  const c = server.client();
  await c.signIn('pat', server.passwords.pat); // the record's worker (need-to-know)
  const form = await c.get(`/people/${person}/notes`);
  const res = await c.request('POST', `/people/${person}/notes`, {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `csrf_token=${csrfFrom(form.text_)}&type=other&occurred_on-day=1&occurred_on-month=1&occurred_on-year=2026&text=%FF%FE`,
  });
  assert.equal(res.status, 400);
  assert.equal(sql(server.db, `select count(*) from notes where person_id = ${person}`), '2');
});

test('the notes page lists notes (escaped) and its form adds one or shows errors by field', async () => {
  const person = await newPerson(pat, 'Pia', 'Stone');
  await addNote(pat, person, { text: 'Said <script>alert(1)</script> & left.' });
  const c = server.client();
  assert.equal((await c.signIn('pat', server.passwords.pat)).status, 303);
  const page = await c.get(`/people/${person}/notes`);
  assert.equal(page.status, 200);
  assert.match(page.text_, /Said &lt;script&gt;alert\(1\)&lt;\/script&gt; &amp; left\./);
  assert.doesNotMatch(page.text_, /<script>alert/);
  assert.match(page.text_, /<select class="govuk-select" id="type" name="type">/);
  const csrf = csrfFrom(page.text_);

  const bad = await c.postForm(`/people/${person}/notes`, { csrf_token: csrf, type: '', 'occurred_on-day': '31',
    'occurred_on-month': '2', 'occurred_on-year': '2026', text: 'kept text' });
  assert.equal(bad.status, 422);
  assert.match(bad.text_, /govuk-error-summary[\s\S]*<a href="#type">Choose the type of note<\/a>/);
  assert.match(bad.text_, />\nkept text<\/textarea>/, 'what was typed is kept');
  const badDate = await c.postForm(`/people/${person}/notes`, { csrf_token: csrf, type: 'office_visit',
    'occurred_on-day': '31', 'occurred_on-month': '2', 'occurred_on-year': '2026', text: 'x' });
  assert.match(badDate.text_, /<a href="#occurred_on">The date of the event must be a real date/);
  assert.equal(sql(server.db, `select count(*) from notes where person_id = ${person}`), '1');

  const ok = await c.postForm(`/people/${person}/notes`, { csrf_token: csrf, type: 'office_visit',
    'occurred_on-day': '2', 'occurred_on-month': '3', 'occurred_on-year': '2026', text: 'Came to the office.\r\nAsked for help.' });
  assert.equal(ok.status, 303);
  assert.match(ok.headers.get('location'), new RegExp(`^/people/${person}/notes\\?added=\\d+$`));
  assert.equal(sql(server.db, `select body from notes where person_id = ${person} and type = 'office_visit'`),
    'Came to the office.\nAsked for help.', 'CRLF from the browser is stored as a newline');
  const after = await c.get(ok.headers.get('location'));
  assert.match(after.text_, /Case note added/);
  const listed = after.text_.slice(after.text_.indexOf('data-testid="note"'));
  assert.ok(listed.indexOf('Office visit') < listed.indexOf('Home visit'), 'newest event first');
  // The person page links to the notes and the chronology.
  const personPage = await c.get(`/people/${person}`);
  assert.match(personPage.text_, new RegExp(`href="/people/${person}/notes">Case notes`));
  assert.match(personPage.text_, new RegExp(`href="/people/${person}/chronology">Chronology`));
});

test('inside the edit window the author corrects the note in place; no version is added', async () => {
  const person = await newPerson(pat, 'Quin', 'Tarn');
  const n = await addNote(pat, person, { text: 'Saw the famly.' });
  const res = await pat('PATCH', `/api/v1/notes/${n.id}`, { text: 'Saw the family.' });
  assert.equal(res.status, 200, JSON.stringify(res.body_));
  assert.equal(res.body_.version, 1);
  assert.equal(res.body_.text, 'Saw the family.');
  assert.equal(res.body_.versions.length, 1);
  assert.equal(res.body_.versions[0].text, 'Saw the family.');
  assert.equal(res.body_.versions[0].corrections, 1);
  assert.equal(sql(server.db, `select count(*) from note_versions where note_id = ${n.id}`), '1');
  assert.ok(audited(server.db, res).includes(`note.edit|person|${person}|note ${n.id} version 1 corrected in place`));
  // Changing nothing writes nothing.
  const same = await pat('PATCH', `/api/v1/notes/${n.id}`, { text: 'Saw the family.' });
  assert.equal(same.status, 200);
  assert.deepEqual(audited(server.db, same).filter((a) => a.startsWith('note.')), []);
  const bad = await pat('PATCH', `/api/v1/notes/${n.id}`, { occurred_on: '2026-13-01' });
  assert.equal(bad.status, 422);
  assert.equal(bad.body_.field, 'occurred_on');
});

test('only the author may change a note: 403 for everyone else, and nothing changes', async () => {
  const person = await newPerson(pat, 'Rhea', 'Umber');
  const n = await addNote(pat, person);
  // Colleagues granted access to the record, so only authorship stops them.
  const grant = async (username) => assert.equal((await root('POST', `/api/v1/people/${person}/grants`,
    { user_id: Number(sql(server.db, `select id from users where username = '${username}'`)), reason: 'Covering' })).status, 204);
  await grant('sam');
  await grant('root');
  for (const [who, status] of [[sam, 403], [root, 403], [ivy, 403]]) {
    const res = await who('PATCH', `/api/v1/notes/${n.id}`, { text: 'not mine to change' });
    assert.equal(res.status, status);
    assert.deepEqual(audited(server.db, res).filter((a) => a.startsWith('note.')), []);
  }
  assert.match((await sam('PATCH', `/api/v1/notes/${n.id}`, { text: 'x' })).body_.detail, /Only the author.*\(Test pat\)/);
  assert.equal(sql(server.db, `select body from notes where id = ${n.id}`), 'Saw the family at home.');

  // The page shows the edit form to the author only, and the POST is refused too.
  const samBrowser = server.client();
  const pw = server.addUser('sam2', 'practitioner');
  await grant('sam2');
  await samBrowser.signIn('sam2', pw);
  const view = await samBrowser.get(`/people/${person}/notes/${n.id}`);
  assert.equal(view.status, 200);
  assert.doesNotMatch(view.text_, /Change this note/);
  const post = await samBrowser.postForm(`/people/${person}/notes/${n.id}`, { csrf_token: csrfFrom(view.text_), text: 'x' });
  assert.equal(post.status, 403);
  // A note addressed under the wrong person is not found.
  const other = await newPerson(pat, 'Sol', 'Vane');
  assert.equal((await samBrowser.get(`/people/${other}/notes/${n.id}`)).status, 404);
});

test('notes of a restricted record are hidden without a grant, in lists, reads and search', async () => {
  const person = await newPerson(pat, 'Tess', 'Wold', { restricted: true });
  const n = await addNote(pat, person, { text: 'Zanzibar placement discussed.' });
  for (const p of [`/api/v1/people/${person}/notes`, `/api/v1/notes/${n.id}`]) {
    assert.equal((await sam('GET', p)).status, 404, p);
    assert.equal((await pat('GET', p)).status, 200, p);
  }
  assert.equal((await sam('POST', `/api/v1/people/${person}/notes`, { type: 'other', occurred_on: '2026-01-01', text: 'x' })).status, 404);
  assert.deepEqual((await sam('GET', '/api/v1/notes?q=zanzibar')).body_.results, []);
  assert.equal((await pat('GET', '/api/v1/notes?q=zanzibar')).body_.results.length, 1);
  const samId = sql(server.db, "select id from users where username = 'sam'");
  assert.equal((await root('POST', `/api/v1/people/${person}/grants`, { user_id: Number(samId), reason: 'allocated' })).status, 204);
  assert.equal((await sam('GET', '/api/v1/notes?q=zanzibar')).body_.results.length, 1);
});

test('search finds words (stemmed, prefixes, all words) and follows edits', async () => {
  const a = await newPerson(pat, 'Uma', 'Xeno');
  const b = await newPerson(pat, 'Vic', 'Yule');
  const n1 = await addNote(pat, a, { text: 'Visited the trampoline park with the foster carers.' });
  await addNote(pat, b, { type: 'supervision', text: 'Discussed the trampoline incident in supervision.' });
  const q = async (s) => {
    const res = await pat('GET', `/api/v1/notes?q=${encodeURIComponent(s)}`);
    assert.equal(res.status, 200, `${s}: ${JSON.stringify(res.body_)}`);
    return res.body_.results;
  };
  assert.equal((await q('trampoline')).length, 2);
  assert.deepEqual((await q('trampoline foster')).map((r) => r.note_id), [n1.id]);
  assert.deepEqual((await q('visit')).map((r) => r.note_id), [n1.id], 'porter stemming: visit finds visited');
  assert.equal((await q('tramp*')).length, 2);
  assert.equal((await q('TRAMPOLINE')).length, 2);
  const hit = (await q('foster'))[0];
  assert.deepEqual({ person_id: hit.person_id, person_name: hit.person_name, type: hit.type, occurred_on: hit.occurred_on },
    { person_id: a, person_name: 'Uma Xeno', type: 'home_visit', occurred_on: '2026-01-15' });
  assert.match(hit.snippet, /foster carers/);
  // Operators and quotes are just text; nothing searchable is a 422 on q.
  assert.deepEqual(await q('"trampoline OR NEAR( -foster'), []);
  for (const s of ['', '-- " *']) {
    const res = await pat('GET', `/api/v1/notes?q=${encodeURIComponent(s)}`);
    assert.equal(res.status, 422, s);
    assert.equal(res.body_.field, 'q');
  }
  // The index follows the text.
  assert.equal((await pat('PATCH', `/api/v1/notes/${n1.id}`, { text: 'Went to the swimming baths.' })).status, 200);
  assert.equal((await q('foster')).length, 0);
  assert.deepEqual((await q('swimming')).map((r) => r.note_id), [n1.id]);
  assert.equal(sql(server.db, "insert into notes_fts(notes_fts) values ('integrity-check'); select 'ok'"), 'ok');

  const res = await ivy('GET', '/api/v1/notes?q=swimming%20baths');
  assert.deepEqual(audited(server.db, res), ['note.search|||swimming baths']);
  // The search page marks the words, escaping everything else.
  const c = server.client();
  await c.signIn('pat', server.passwords.pat); // search shows notes of the worker's records only
  await addNote(pat, b, { text: 'Brought <b>swimming</b> kit.' });
  const page = await c.get('/notes/search?q=swimming');
  assert.equal(page.status, 200);
  assert.match(page.text_, /&lt;b&gt;<mark>swimming<\/mark>&lt;\/b&gt; kit/);
  assert.match(page.text_, new RegExp(`href="/people/${a}/notes/${n1.id}"`));
  assert.equal((await c.get('/notes/search')).status, 200, 'the empty form');
  assert.equal((await c.get('/notes/search?q=%22')).status, 422);
});

// A user with a known password and an API token.
async function userWithToken(s, username, role) {
  const password = s.addUser(username, role);
  const c = s.client();
  assert.equal((await c.signIn(username, password)).status, 303);
  const made = await c.postForm('/account/tokens', { csrf_token: await c.csrf(), name: 'tests' });
  return { password, token: made.text_.match(/data-testid="new-token">([^<]+)</)[1] };
}

// Restart on the same database with the clock moved forward.
async function restart(old, offsetSeconds, args = []) {
  await old.stop({ keep: true });
  return new Server({ dir: old.dir, args, env: { CASEWORK_CLOCK_OFFSET_SECONDS: String(offsetSeconds) } }).start();
}

test('after the edit window an edit adds a visible version; every version is kept', async () => {
  let s = await new Server().start();
  try {
    const { password, token } = await userWithToken(s, 'wren', 'practitioner');
    let api = client(s.url, token);
    const person = await newPerson(api, 'Wyn', 'Zeal');
    const n = await addNote(api, person, { text: 'First account of the visit.' });

    s = await restart(s, 61 * 60); // 61 minutes later
    api = client(s.url, token);
    let res = await api('PATCH', `/api/v1/notes/${n.id}`, { text: 'Second account, after speaking to the school.', type: 'phone_call' });
    assert.equal(res.status, 200, JSON.stringify(res.body_));
    assert.equal(res.body_.version, 2);
    assert.equal(res.body_.text, 'Second account, after speaking to the school.');
    assert.deepEqual(res.body_.versions.map((v) => [v.version, v.type, v.text]), [
      [2, 'phone_call', 'Second account, after speaking to the school.'],
      [1, 'home_visit', 'First account of the visit.'],
    ]);
    assert.ok(audited(s.db, res).includes(`note.edit|person|${person}|note ${n.id} version 2 added`));
    // The new version has its own window: a quick fix to it is in place.
    res = await api('PATCH', `/api/v1/notes/${n.id}`, { text: 'Second account, after speaking to the school nurse.' });
    assert.equal(res.body_.version, 2);
    assert.equal(res.body_.versions.length, 2);
    assert.equal(res.body_.versions[0].corrected_in_place, true);
    assert.equal(res.body_.versions[1].text, 'First account of the visit.');

    // The page shows both versions and says an edit now adds version 3 later.
    const c = s.client();
    assert.equal((await c.signIn('wren', password)).status, 303);
    const page = await c.get(`/people/${person}/notes/${n.id}`);
    assert.equal(page.status, 200);
    assert.equal((page.text_.match(/data-testid="version"/g) || []).length, 2);
    assert.match(page.text_, /Version 2 \(current\)/);
    assert.match(page.text_, /First account of the visit\./);
    assert.match(page.text_, /version 2<\/strong>/);
    const list = await c.get(`/people/${person}/notes`);
    assert.match(list.text_, /version 2<\/strong>/);

    // The author's page form: in place now, a new version after the window.
    let view = await c.get(`/people/${person}/notes/${n.id}`);
    assert.match(view.text_, /You can correct this note until/);
    s = await restart(s, 2 * 61 * 60 + 60);
    const again = s.client();
    assert.equal((await again.signIn('wren', password)).status, 303);
    view = await again.get(`/people/${person}/notes/${n.id}`);
    assert.match(view.text_, /Your change will be saved as version 3/);
    const post = await again.postForm(`/people/${person}/notes/${n.id}`, { csrf_token: csrfFrom(view.text_),
      type: 'phone_call', 'occurred_on-day': '15', 'occurred_on-month': '1', 'occurred_on-year': '2026', text: 'Third.' });
    assert.equal(post.status, 303);
    assert.equal(post.headers.get('location'), `/people/${person}/notes/${n.id}?saved=version`);
    assert.equal(sql(s.db, `select group_concat(version || ':' || body, ' / ') from (select * from note_versions where note_id = ${n.id} order by version)`),
      '1:First account of the visit. / 2:Second account, after speaking to the school nurse. / 3:Third.');
  } finally {
    await s.stop();
  }
});

test('note_edit_minutes = 0 makes every edit a new version', async () => {
  const s = await new Server({ args: ['--note-edit-minutes', '0'] }).start();
  try {
    const api = client(s.url, await tokenFor(s, 'yan', 'practitioner'));
    const person = await newPerson(api, 'Yara', 'Ash');
    const n = await addNote(api, person);
    const res = await api('PATCH', `/api/v1/notes/${n.id}`, { occurred_on: '2026-01-14' });
    assert.equal(res.body_.version, 2);
    assert.deepEqual(res.body_.versions.map((v) => v.occurred_on), ['2026-01-14', '2026-01-15']);
  } finally {
    await s.stop();
  }
  const bad = spawnSync(process.env.CASEWORK_BIN || 'build/casework', ['serve', '--note-edit-minutes', '-1'], { encoding: 'utf8' });
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /note_edit_minutes must be a whole number from 0 to 10080/);
});
