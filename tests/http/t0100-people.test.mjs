// People: create with every detail and read it back normalised; each validation
// rule is a 422 naming its field with nothing written; name, address and contact
// history; duplicate control (409 with candidates, confirm_new, the pages' check
// step); person.view / person.search audit rows; restricted records and grants;
// the auditor may look but not change. Synthetic data only: NHS numbers in the
// 999 range and UPNs on LA 999, check digits computed here.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { Server, csrfFrom, tokenFor } from './lib.mjs';

// NHS number 999nnnnnnc (modulus 11); seq chosen so the check digit is not 10.
export function nhs(seq) {
  for (let s = seq; ; s++) {
    const nine = `999${String(s % 1e6).padStart(6, '0')}`;
    const sum = [...nine].reduce((a, d, i) => a + Number(d) * (10 - i), 0);
    const c = (11 - (sum % 11)) % 11;
    if (c !== 10) return nine + c;
  }
}
// Permanent UPN on LA 999: check letter + 999 + establishment(4) + year(2) + serial(3).
export function upn(est, year, serial) {
  const L = 'ABCDEFGHJKLMNPQRTUVWXYZ';
  const rest = `999${String(est).padStart(4, '0')}${String(year).padStart(2, '0')}${String(serial).padStart(3, '0')}`;
  const sum = [...rest].reduce((a, d, i) => a + Number(d) * (i + 2), 0);
  return L[sum % 23] + rest;
}
const londonDay = (ms = Date.now()) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(new Date(ms));

function sql(query, flags = []) {
  const r = spawnSync('sqlite3', [...flags, server.db, query], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}
const rows = (query) => { const s = sql(query, ['-json']); return s ? JSON.parse(s) : []; };
const count = (table, where = '1') => Number(sql(`select count(*) from ${table} where ${where}`));
const auditFor = (res, action) => rows(`select * from audit where request_id = '${res.headers.get('x-request-id')}' and action = '${action}'`);

let server, prac, admin, audr;
before(async () => {
  server = await new Server().start();
  prac = await tokenFor(server, 'pia', 'practitioner');
  admin = await tokenFor(server, 'ada', 'administrator');
  audr = await tokenFor(server, 'aud', 'auditor');
});
after(async () => { await server.stop(); });

const api = (method, p, body, tok = prac) => server.api(tok, method, p, body);
const create = (body, tok) => api('POST', '/api/v1/people', body, tok);

test('create with full details: 201, and GET returns them normalised', async () => {
  const n = nhs(100200), u = upn(1234, 10, 7);
  const res = await create({
    forenames: 'Tobias Lysander', surname: 'Quennell', preferred_name: 'Toby', dob: '2010-03-04',
    dob_estimated: true, nhs_number: `${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`,
    upn: u.toLowerCase(), sex: 'M', ethnicity: 'WBRI', language: 'ENG', religion: 'NONE',
    immigration_status: 'UASC', disabilities: ['HEAR', 'AUT'],
    address: { line1: '1 Example Row', town: 'Testbury', postcode: ' sw1a1aa ' },
  });
  assert.equal(res.status, 201, JSON.stringify(res.body_));
  const id = res.body_.id;
  assert.equal(res.headers.get('location'), `/api/v1/people/${id}`);
  const got = await api('GET', `/api/v1/people/${id}`);
  assert.equal(got.status, 200);
  const p = got.body_;
  assert.deepEqual([p.forenames, p.surname, p.preferred_name, p.dob, p.dob_estimated],
    ['Tobias Lysander', 'Quennell', 'Toby', '2010-03-04', true]);
  assert.equal(p.nhs_number, n);
  assert.equal(p.upn, u);
  assert.deepEqual([p.sex, p.ethnicity, p.language, p.religion, p.immigration_status],
    ['M', 'WBRI', 'ENG', 'NONE', 'UASC']);
  assert.deepEqual(p.disabilities, ['AUT', 'HEAR']);
  assert.equal(p.restricted, false);
  assert.equal(p.addresses.length, 1);
  assert.equal(p.addresses[0].postcode, 'SW1A 1AA');
  assert.equal(p.addresses[0].to_date, null);
  assert.deepEqual(rows(`select nhs_number, upn, immigration_status from people where id = ${id}`),
    [{ nhs_number: n, upn: u, immigration_status: 'UASC' }]);
  assert.equal(auditFor(res, 'person.create').length, 1);
});

test('each validation rule is a 422 naming the field and the rule; nothing is written', async () => {
  const good = nhs(100300);
  const wrongCheck = good.slice(0, 9) + ((Number(good[9]) + 1) % 10);
  const u = upn(2001, 11, 42);
  const wrongLetter = (u[0] === 'A' ? 'B' : 'A') + u.slice(1);
  const soon = londonDay(Date.now() + 30 * 86400e3);
  const base = { forenames: 'Valentina', surname: 'Ostrowick', dob: '2012-06-15' };
  const cases = [
    [{ surname: 'Ostrowick' }, 'forenames', /first names/],
    [{ forenames: 'Valentina' }, 'surname', /last name/],
    [{ ...base, forenames: '' }, 'forenames', /Enter the first names/],
    [{ ...base, dob: '2023-02-30' }, 'dob', /real date/],
    [{ ...base, dob: '15/06/2012' }, 'dob', /YYYY-MM-DD/],
    [{ ...base, dob: '2099-01-01' }, 'dob', /today or in the past/],
    [{ ...base, expected_dob: soon }, 'expected_dob', /not both/],
    [{ ...base, dod: '2011-01-01' }, 'dod', /on or after the date of birth/],
    [{ ...base, nhs_number: '99912345' }, 'nhs_number', /10 digits/],
    [{ ...base, nhs_number: wrongCheck }, 'nhs_number', /modulus 11/],
    [{ ...base, upn: wrongLetter }, 'upn', /check letter/],
    [{ ...base, ethnicity: 'XXXX' }, 'ethnicity', /ethnicity list/],
    [{ ...base, immigration_status: 'ALIEN' }, 'immigration_status', /immigration_status list/],
    [{ ...base, sex: 'Q' }, 'sex', /sex list/],
    [{ ...base, disabilities: ['ZZZ'] }, 'disabilities', /disability list/],
    [{ ...base, address: { line1: '2 Some Road', postcode: '12345' } }, /postcode/, /Postcode/],
    [{ ...base, favourite_colour: 'blue' }, 'favourite_colour', /Unknown field/],
    [{ ...base, dob_estimated: 'yes' }, 'dob_estimated', /must be/],
  ];
  const before_ = ['people', 'addresses', 'person_keys', 'person_disabilities'].map((t) => count(t));
  for (const [body, field, message] of cases) {
    const res = await create(body);
    const what = `${JSON.stringify(body)} -> ${JSON.stringify(res.body_)}`;
    assert.equal(res.status, 422, what);
    assert.equal(res.headers.get('content-type'), 'application/problem+json');
    if (field instanceof RegExp) assert.match(res.body_.field, field, what);
    else assert.equal(res.body_.field, field, what);
    assert.match(res.body_.detail, message, what);
  }
  assert.deepEqual(['people', 'addresses', 'person_keys', 'person_disabilities'].map((t) => count(t)), before_);
  assert.equal(count('audit', "action = 'person.create'"), 1); // only the previous test's
});

test('names, addresses and contact details keep their history', async () => {
  const res = await create({ forenames: 'Imelda', surname: 'Farquharson', dob: '1988-11-02',
    address: { line1: '3 Old Lane', postcode: 'ls1 4ap' } });
  assert.equal(res.status, 201);
  const id = res.body_.id;
  const renamed = await api('PATCH', `/api/v1/people/${id}`, { surname: 'Abernethy-Lowe' });
  assert.equal(renamed.status, 200, JSON.stringify(renamed.body_));
  assert.equal(renamed.body_.surname, 'Abernethy-Lowe');
  assert.deepEqual(renamed.body_.other_names, [{ kind: 'previous', forenames: 'Imelda',
    surname: 'Farquharson', from_date: null, to_date: londonDay() }]);
  assert.match(auditFor(renamed, 'person.update')[0].detail, /changed: surname/);
  // An unchanged name adds no history.
  await api('PATCH', `/api/v1/people/${id}`, { forenames: 'Imelda' });
  assert.equal(count('person_names', `person_id = ${id}`), 1);

  const alias = await api('POST', `/api/v1/people/${id}/names`, { forenames: 'Mel', surname: 'Farr', from_date: '2015-01-01' });
  assert.equal(alias.status, 201);
  assert.deepEqual(alias.body_.other_names.map((n) => [n.kind, n.forenames, n.surname, n.from_date]),
    [['alternative', 'Mel', 'Farr', '2015-01-01'], ['previous', 'Imelda', 'Farquharson', null]]);
  const noSurname = await api('POST', `/api/v1/people/${id}/names`, { forenames: 'Mel', surname: '' });
  assert.equal(noSurname.status, 422);
  assert.equal(noSurname.body_.field, 'surname');

  const moved = await api('POST', `/api/v1/people/${id}/addresses`, { line1: '9 New Street', postcode: 'M11AE', from_date: '2024-06-01' });
  assert.equal(moved.status, 201, JSON.stringify(moved.body_));
  const [cur, prev] = moved.body_.addresses;
  assert.deepEqual([cur.line1, cur.postcode, cur.from_date, cur.to_date], ['9 New Street', 'M1 1AE', '2024-06-01', null]);
  assert.deepEqual([prev.line1, prev.postcode, prev.to_date], ['3 Old Lane', 'LS1 4AP', '2024-05-31']);
  assert.equal(count('addresses', `person_id = ${id} and to_date is null`), 1);
  const badPc = await api('POST', `/api/v1/people/${id}/addresses`, { line1: '1 X', postcode: 'QQ' });
  assert.equal(badPc.status, 422);
  assert.equal(badPc.body_.field, 'postcode');

  const contacts = [
    [{ kind: 'email', label: 'home', value: 'not-an-email' }, 422, 'value', /correct format/],
    [{ kind: 'email', label: 'home', value: 'imelda@example' }, 422, 'value', /correct format/],
    [{ kind: 'phone', label: 'mobile', value: '0161 12' }, 422, 'value', /10 to 15 digits/],
    [{ kind: 'phone', label: 'mobile', value: '07700 9OO 123' }, 422, 'value', /only contain digits/],
    [{ kind: 'fax', label: 'home', value: '01611234567' }, 422, 'kind', /phone or email/],
    [{ kind: 'phone', label: 'garden', value: '01611234567' }, 422, 'label', /home, mobile/],
  ];
  for (const [body, status, field, msg] of contacts) {
    const r = await api('POST', `/api/v1/people/${id}/contacts`, body);
    assert.equal(r.status, status, JSON.stringify([body, r.body_]));
    assert.equal(r.body_.field, field);
    assert.match(r.body_.detail, msg);
  }
  assert.equal(count('contact_methods', `person_id = ${id}`), 0);
  const ok1 = await api('POST', `/api/v1/people/${id}/contacts`, { kind: 'phone', label: 'mobile', value: '07700 900123', preferred: true });
  assert.equal(ok1.status, 201);
  const ok2 = await api('POST', `/api/v1/people/${id}/contacts`, { kind: 'email', label: 'work', value: 'imelda@example.org' });
  assert.deepEqual(ok2.body_.contacts.map((c) => [c.kind, c.label, c.value, c.preferred]),
    [['email', 'work', 'imelda@example.org', false], ['phone', 'mobile', '07700 900123', true]]);
});

test('duplicate control: 409 with candidates, then confirm_new creates and audits them', async () => {
  const first = await create({ forenames: 'Rosalind', surname: 'Pennywhistle', dob: '2015-07-21', sex: 'F' });
  assert.equal(first.status, 201);
  const people = count('people');
  const similar = { forenames: 'Rosalyn', surname: 'Penywhistle', dob: '2015-07-21', sex: 'F' };
  const dup = await create(similar);
  assert.equal(dup.status, 409, JSON.stringify(dup.body_));
  assert.equal(dup.headers.get('content-type'), 'application/problem+json');
  assert.equal(dup.body_.type, '/problems/possible-duplicate');
  assert.match(dup.body_.detail, /confirm that this is a new person/);
  const [c] = dup.body_.candidates;
  assert.equal(c.id, first.body_.id);
  assert.ok(c.score >= 50 && c.score < 100, `score ${c.score}`);
  assert.ok(c.reasons.length > 0);
  assert.equal(count('people'), people);
  const matches = await api('POST', '/api/v1/people/matches', similar);
  assert.equal(matches.status, 200);
  assert.equal(matches.body_.candidates[0].id, first.body_.id);

  const ok = await create({ ...similar, confirm_new: true });
  assert.equal(ok.status, 201);
  const [row] = auditFor(ok, 'person.create');
  assert.equal(row.record_id, String(ok.body_.id));
  assert.match(row.detail, new RegExp(`confirmed as a new person despite 1 possible match: ${first.body_.id} \\(score ${c.score}\\)`));
});

test('pages: adding a likely duplicate shows "Check for existing records", confirming creates', async () => {
  const first = await create({ forenames: 'Augustin', surname: 'Delacroix-Bell', dob: '2009-01-30' });
  const c = server.client();
  assert.equal((await c.signIn('pia2', server.addUser('pia2', 'practitioner', 'Pia-Two-Password-1'))).status, 303);
  const form = await c.get('/people/new');
  assert.equal(form.status, 200);
  const fields = { csrf_token: csrfFrom(form.text_), forenames: 'Augustine', surname: 'Delacroix-Bell',
    'dob-day': '30', 'dob-month': '1', 'dob-year': '2009' };
  const people = count('people');
  const check = await c.postForm('/people/new', fields);
  assert.equal(check.status, 200);
  assert.match(check.text_, /<h1[^>]*>Check for existing records<\/h1>/);
  assert.match(check.text_, new RegExp(`href="/people/${first.body_.id}" target="_blank" rel="noopener noreferrer">Augustin Delacroix-Bell \\(opens in new tab\\)</a>`));
  assert.match(check.text_, /<strong>\d+%<\/strong>/);
  assert.match(check.text_, /data-testid="confirm-new"/);
  assert.equal(count('people'), people);
  // Submit the confirm form exactly as the page has it.
  const confirmForm = check.text_.slice(check.text_.indexOf('<form method="post" action="/people/new">'));
  const hidden = Object.fromEntries([...confirmForm.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)]
    .map((m) => [m[1], m[2]]));
  assert.equal(hidden.dob, '2009-01-30');
  assert.equal(hidden.confirm_new, '1');
  const done = await c.postForm('/people/new', hidden);
  assert.equal(done.status, 303, done.text_);
  const m = done.headers.get('location').match(/^\/people\/(\d+)\?created=1$/);
  assert.ok(m, done.headers.get('location'));
  const page = await c.get(done.headers.get('location'));
  assert.match(page.text_, /data-testid="person-name">Augustine Delacroix-Bell</);
  assert.match(page.text_, /30 January 2009/);
  assert.equal(count('people'), people + 1);
});

test('every view of a person writes person.view; search writes person.search with the query', async () => {
  const p = await create({ forenames: 'Cordelia', surname: 'Vandersteen', dob: '1975-05-05' });
  for (let i = 0; i < 2; i++) {
    const got = await api('GET', `/api/v1/people/${p.body_.id}`);
    const [row] = auditFor(got, 'person.view');
    assert.equal(row.actor, 'pia');
    assert.equal(row.record_type, 'person');
    assert.equal(row.record_id, String(p.body_.id));
    assert.equal(row.request_id, got.headers.get('x-request-id'));
  }
  const q = 'Cordelia Vandersteen';
  const found = await api('GET', `/api/v1/people?q=${encodeURIComponent(q)}`);
  assert.equal(found.status, 200);
  assert.equal(found.body_.results[0].id, p.body_.id);
  const [row] = auditFor(found, 'person.search');
  assert.deepEqual([row.actor, row.detail], ['pia', q]);
});

test('restricted records: hidden from others until an administrator grants access (audited)', async () => {
  const bob = await tokenFor(server, 'bob', 'practitioner');
  const bobId = Number(sql("select id from users where username = 'bob'"));
  const made = await create({ forenames: 'Perpetua', surname: 'Hollingsworth', dob: '2011-09-09', restricted: true });
  assert.equal(made.status, 201);
  const id = made.body_.id;
  assert.equal(made.body_.restricted, true);
  assert.equal(count('person_grants', `person_id = ${id} and user_id = (select id from users where username = 'pia')`), 1);
  assert.equal((await api('GET', `/api/v1/people/${id}`)).status, 200);

  const denied = await api('GET', `/api/v1/people/${id}`, undefined, bob);
  assert.equal(denied.status, 404);
  assert.doesNotMatch(JSON.stringify(denied.body_), /Perpetua|Hollingsworth/);
  assert.equal((await api('PATCH', `/api/v1/people/${id}`, { surname: 'X' }, bob)).status, 404);
  const hidden = await api('GET', '/api/v1/people?q=Perpetua+Hollingsworth', undefined, bob);
  assert.equal(hidden.status, 200);
  assert.ok(!hidden.body_.results.some((r) => r.id === id));

  const noReason = await api('POST', `/api/v1/people/${id}/grants`, { user_id: bobId, reason: '' }, admin);
  assert.equal(noReason.status, 422);
  assert.equal(noReason.body_.field, 'reason');
  assert.equal((await api('POST', `/api/v1/people/${id}/grants`, { user_id: bobId, reason: 'x' }, bob)).status, 403);
  const granted = await api('POST', `/api/v1/people/${id}/grants`, { user_id: bobId, reason: 'Allocated worker' }, admin);
  assert.equal(granted.status, 204);
  const [row] = auditFor(granted, 'person.grant');
  assert.deepEqual([row.actor, row.record_id, row.reason, row.detail], ['ada', String(id), 'Allocated worker', `user ${bobId}`]);

  assert.equal((await api('GET', `/api/v1/people/${id}`, undefined, bob)).status, 200);
  const seen = await api('GET', '/api/v1/people?q=Perpetua+Hollingsworth', undefined, bob);
  assert.equal(seen.body_.results[0].id, id);
});

test('an auditor can view but not create or change; a practitioner can create', async () => {
  const p = await create({ forenames: 'Benedikt', surname: 'Oyelaran-Smith', dob: '2001-12-12' });
  assert.equal(p.status, 201);
  assert.equal((await api('GET', `/api/v1/people/${p.body_.id}`, undefined, audr)).status, 200);
  assert.equal((await api('GET', '/api/v1/people?q=Oyelaran', undefined, audr)).status, 200);
  const people = count('people');
  const denied = await create({ forenames: 'Any', surname: 'Body', confirm_new: true }, audr);
  assert.equal(denied.status, 403);
  assert.equal(denied.headers.get('content-type'), 'application/problem+json');
  assert.equal((await api('PATCH', `/api/v1/people/${p.body_.id}`, { surname: 'Changed' }, audr)).status, 403);
  assert.equal((await api('POST', `/api/v1/people/${p.body_.id}/names`, { forenames: 'A', surname: 'B' }, audr)).status, 403);
  assert.equal(count('people'), people);
  assert.equal(sql(`select surname from people where id = ${p.body_.id}`), 'Oyelaran-Smith');
});

test('restricting an existing record keeps the restricting user able to see it', async () => {
  const p = await create({ forenames: 'Octavia', surname: 'Pemberton-Rhys', dob: '2006-04-18' });
  const res = await api('PATCH', `/api/v1/people/${p.body_.id}`, { restricted: true });
  assert.equal(res.status, 200, JSON.stringify(res.body_));
  assert.equal(res.body_.restricted, true);
  assert.equal((await api('GET', `/api/v1/people/${p.body_.id}`)).status, 200);
});

test('a grant on a person who does not exist is 404, not a database error', async () => {
  const res = await api('POST', '/api/v1/people/987654/grants', { user_id: 1, reason: 'Allocated' }, admin);
  assert.equal(res.status, 404, JSON.stringify(res.body_));
  assert.equal(count('person_grants', 'person_id = 987654'), 0);
});

test('a legacy_id already in use is refused naming the field, not as a possible duplicate', async () => {
  assert.equal((await create({ forenames: 'Leopold', surname: 'Ainsworth', legacy_id: 'OLD-77' })).status, 201);
  const res = await create({ forenames: 'Marguerite', surname: 'Zabala', legacy_id: 'OLD-77', confirm_new: true });
  assert.ok([409, 422].includes(res.status), JSON.stringify(res.body_));
  assert.notEqual(res.body_.type, '/problems/possible-duplicate', JSON.stringify(res.body_));
  assert.doesNotMatch(res.body_.detail, /UNIQUE constraint/);
  assert.equal(count('people', "surname = 'Zabala'"), 0);
});

test('an address that starts before the current one does not leave a range ending before it starts', async () => {
  const p = await create({ forenames: 'Evangeline', surname: 'Thistlewood', address: { line1: '1 First Way' } });
  const id = p.body_.id;
  assert.equal((await api('POST', `/api/v1/people/${id}/addresses`, { line1: '2 Second Way', from_date: '2024-06-01' })).status, 201);
  await api('POST', `/api/v1/people/${id}/addresses`, { line1: '3 Earlier Way', from_date: '2020-01-01' });
  assert.deepEqual(rows(`select line1, from_date, to_date from addresses where person_id = ${id} and to_date < from_date`), []);
  assert.equal(count('addresses', `person_id = ${id} and to_date is null`), 1);
});

test('likely matches show names, dates and NHS numbers, so asking for them is audited', async () => {
  await create({ forenames: 'Ignatius', surname: 'Worthington', dob: '1999-09-19', nhs_number: nhs(100900) });
  const res = await api('POST', '/api/v1/people/matches', { forenames: 'Ignatius', surname: 'Worthington' }, audr);
  assert.equal(res.status, 200);
  assert.equal(res.body_.candidates.length, 1);
  const audited = rows(`select action, actor from audit where request_id = '${res.headers.get('x-request-id')}'`);
  assert.ok(audited.some((r) => r.actor === 'aud' && r.action.startsWith('person.')), JSON.stringify(audited));
});
