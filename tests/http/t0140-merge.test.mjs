// Duplicates and merging: the probable-duplicates report finds planted
// duplicates and leaves unrelated and unseeable people out; a merge moves
// everything to the survivor (the old id still opens it, search no longer finds
// it, both records audited); undo puts back exactly what was there; undo is
// refused once either record has changed; bad requests change nothing; and the
// same journey works through the pages.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { Server, csrfFrom, tokenFor } from './lib.mjs';

function sql(db, query) {
  const r = spawnSync('sqlite3', [db, query], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

// A valid NHS number (modulus 11) made from a seed.
function nhs(seed) {
  for (let n = seed; ; n++) {
    const d = String(100000000 + (n % 900000000)).slice(0, 9).split('').map(Number);
    const sum = d.reduce((s, x, i) => s + x * (10 - i), 0);
    const check = (11 - (sum % 11)) % 11;
    if (check !== 10) return d.join('') + check;
  }
}

let server, admin, worker, auditor, workerId;
before(async () => {
  server = await new Server().start();
  admin = await tokenFor(server, 'merge-admin', 'administrator');
  worker = await tokenFor(server, 'merge-worker', 'practitioner');
  auditor = await tokenFor(server, 'merge-auditor', 'auditor');
  workerId = Number(sql(server.db, "select id from users where username = 'merge-worker'"));
});
after(async () => { await server?.stop(); });

async function api(method, p, body, tok = worker) {
  const res = await server.client().json(method, p, body, { authorization: `Bearer ${tok}` });
  return { status: res.status, headers: res.headers, text_: res.text_, body: res.text_ ? JSON.parse(res.text_) : null };
}

async function person(fields, tok = worker) {
  const res = await api('POST', '/api/v1/people', { confirm_new: true, ...fields }, tok);
  assert.equal(res.status, 201, res.text_);
  return res.body.id;
}

const pairKey = (p) => `${p.a.id}-${p.b.id}`;

test('the duplicates report finds planted duplicates, once each, and nothing unrelated', async () => {
  const a1 = await person({ forenames: 'Amelia', surname: 'Hartley', dob: '2012-03-04', nhs_number: nhs(11111) });
  const a2 = await person({ forenames: 'Amelia', surname: 'Hartly', dob: '2012-03-04' });
  const b1 = await person({ forenames: 'Jack', surname: 'Pemberton', dob: '1990-05-05', nhs_number: nhs(22222) });
  const b2 = await person({ forenames: 'Jack', surname: 'Pembertn', dob: '1990-05-05', nhs_number: nhs(22222) });
  const c1 = await person({ forenames: 'Oskar', surname: 'Wolanski', dob: '2001-06-07' });
  const c2 = await person({ forenames: 'Oscar', surname: 'Wolanski', dob: '2001-07-06' }); // day/month swapped
  // Unrelated: a namesake born decades apart, and people sharing nothing.
  const u1 = await person({ forenames: 'Amelia', surname: 'Hartley', dob: '1950-11-30', nhs_number: nhs(33333) });
  const u2 = await person({ forenames: 'Zara', surname: 'Quigley', dob: '1985-07-07' });
  const u3 = await person({ forenames: 'Freddie', surname: 'Oyelaran', dob: '2015-02-02' });
  // A restricted pair, created (and so visible) only to the administrator.
  const r1 = await person({ forenames: 'Ruby', surname: 'Whitlock', dob: '2009-09-09', restricted: true }, admin);
  const r2 = await person({ forenames: 'Ruby', surname: 'Whitlok', dob: '2009-09-09', restricted: true }, admin);

  const res = await api('GET', '/api/v1/people/duplicates');
  assert.equal(res.status, 200, res.text_);
  const keys = res.body.pairs.map(pairKey);
  for (const [x, y] of [[a1, a2], [b1, b2], [c1, c2]]) {
    assert.ok(keys.includes(`${x}-${y}`), `pair ${x}-${y} found in ${keys}`);
  }
  assert.equal(new Set(keys).size, keys.length, 'each pair listed once');
  const ids = res.body.pairs.flatMap((p) => [p.a.id, p.b.id]);
  for (const u of [u1, u2, u3]) assert.ok(!ids.includes(u), `unrelated ${u} not listed`);
  assert.ok(!ids.includes(r1) && !ids.includes(r2), 'restricted records without a grant left out');
  assert.equal(res.body.min_score, 70);
  for (let i = 1; i < res.body.pairs.length; i++) {
    assert.ok(res.body.pairs[i - 1].score >= res.body.pairs[i].score, 'best first');
  }
  for (const p of res.body.pairs) {
    assert.ok(p.score >= 70 && p.a.id < p.b.id && p.reasons.length > 0);
  }
  assert.equal(res.body.pairs.find((p) => p.a.id === b1).score, 100, 'same NHS number');

  // The administrator holds grants on the restricted pair, so sees it.
  const seen = await api('GET', '/api/v1/people/duplicates', undefined, admin);
  assert.ok(seen.body.pairs.map(pairKey).includes(`${r1}-${r2}`));

  // Threshold and limit.
  const strict = await api('GET', '/api/v1/people/duplicates?min_score=100&limit=1');
  assert.equal(strict.body.pairs.length, 1);
  assert.ok(strict.body.total >= 1 && strict.body.pairs[0].score === 100);
  for (const q of ['min_score=0', 'min_score=101', 'limit=0', 'limit=1001', 'limit=abc']) {
    const bad = await api('GET', `/api/v1/people/duplicates?${q}`);
    assert.equal(bad.status, 400, q);
  }
  assert.equal((await api('GET', '/api/v1/people/duplicates', undefined, auditor)).status, 403);
  // Viewing the report is audited.
  assert.ok(Number(sql(server.db, "select count(*) from audit where action = 'person.duplicates'")) >= 3);
});

test('the report on a database with no duplicates is empty, not an error', async () => {
  // (An empty result once passed NULL to qsort: caught by the sanitizer build.)
  const fresh = await new Server().start();
  try {
    const tok = await tokenFor(fresh, 'empty-admin', 'administrator');
    const res = await fresh.client().json('GET', '/api/v1/people/duplicates', undefined, { authorization: `Bearer ${tok}` });
    assert.equal(res.status, 200, res.text_);
    const body = JSON.parse(res.text_);
    assert.deepEqual([body.total, body.people, body.pairs], [0, 0, []]);
  } finally {
    await fresh.stop();
  }
});

// Every row that can hang off a person, on both records, for an exact before/after comparison.
function snapshot(ids) {
  const list = ids.join(',');
  return {
    people: sql(server.db, `select * from people where id in (${list}) order by id`),
    names: sql(server.db, `select * from person_names where person_id in (${list}) order by id`),
    addresses: sql(server.db, `select * from addresses where person_id in (${list}) order by id`),
    contacts: sql(server.db, `select * from contact_methods where person_id in (${list}) order by id`),
    disabilities: sql(server.db, `select * from person_disabilities where person_id in (${list}) order by 1, 2`),
    grants: sql(server.db, `select * from person_grants where person_id in (${list}) order by 1, 2`),
    keys: sql(server.db, `select * from person_keys where person_id in (${list}) order by 1, 2`),
    relationships: sql(server.db, `select * from relationships where person_id in (${list}) or related_id in (${list}) order by id`),
  };
}

function relate(from, type, to) {
  sql(server.db, `insert into relationships (person_id, related_id, type, created_at) values (${from}, ${to}, '${type}', 0)`);
}

async function mergePair(tag) {
  const s = await person({ forenames: 'Lily', surname: `Ashcombe${tag}`, dob: '2010-01-01', disabilities: ['MOB'] });
  const m = await person({
    forenames: 'Lilly', surname: `Ashcombe${tag}`, dob: '2010-01-01', nhs_number: nhs(44444 + tag.length * 7),
    sex: 'F', language: 'ENG', legacy_id: `OLD-${tag}`, disabilities: ['MOB', 'HAND'],
    address: { line1: '1 Old Road', postcode: 'LS1 1AA' },
  });
  return { s, m };
}

test('a merge moves everything to the survivor; undo puts back exactly what was there', async () => {
  const { s, m } = await mergePair('A');
  const other = await person({ forenames: 'Grace', surname: 'Ashcombe', dob: '1980-02-02' });
  assert.equal((await api('POST', `/api/v1/people/${s}/addresses`, { line1: '9 New Street', postcode: 'LS2 2BB' })).status, 201);
  assert.equal((await api('POST', `/api/v1/people/${m}/names`, { forenames: 'Lil', surname: 'Smith' })).status, 201);
  assert.equal((await api('POST', `/api/v1/people/${m}/contacts`, { kind: 'phone', label: 'mobile', value: '07700 900123' })).status, 201);
  assert.equal((await api('POST', `/api/v1/people/${m}/grants`, { user_id: workerId, reason: 'allocated' }, admin)).status, 204);
  relate(m, 'sibling', s); // joins the two records: dropped by the merge
  relate(m, 'child', other);
  relate(other, 'mother', m);
  const before = snapshot([s, m, other]);

  const res = await api('POST', '/api/v1/people/merge', { survivor: s, merged: m, reason: 'Same child: school and GP confirm' });
  assert.equal(res.status, 201, res.text_);
  const mergeId = res.body.id;
  assert.equal(res.headers.get('location'), `/api/v1/people/merge/${mergeId}`);
  assert.equal(res.body.survivor.id, s);
  assert.equal(res.body.merged.id, m);
  assert.equal(res.body.can_undo, true);
  assert.match(res.body.detail, /addresses\.person_id 1/);
  assert.match(res.body.detail, /filled from the merged record.*nhs_number/);

  // The survivor holds everything, with its own details kept and gaps filled.
  const got = (await api('GET', `/api/v1/people/${s}`)).body;
  assert.equal(got.forenames, 'Lily');
  assert.equal(got.nhs_number, nhs(44444 + 7));
  assert.equal(got.sex, 'F');
  assert.equal(got.language, 'ENG');
  assert.equal(got.legacy_id, 'OLD-A');
  assert.deepEqual(got.disabilities, ['HAND', 'MOB']);
  assert.deepEqual(got.addresses.map((a) => a.line1).sort(), ['1 Old Road', '9 New Street']);
  assert.deepEqual(got.contacts.map((c) => c.value), ['07700 900123']);
  const names = got.other_names.map((n) => `${n.kind} ${n.forenames} ${n.surname}`);
  assert.ok(names.includes('alternative Lilly AshcombeA'), names.join());
  assert.ok(names.includes('alternative Lil Smith'), names.join());
  assert.equal(sql(server.db, `select count(*) from person_grants where person_id = ${s} and user_id = ${workerId}`), '1');
  // Relationships: both sides moved; the one between the two records dropped and kept.
  assert.equal(sql(server.db, `select count(*) from relationships where person_id = ${m} or related_id = ${m}`), '0');
  assert.equal(sql(server.db, `select type from relationships where person_id = ${s} and related_id = ${other}`), 'child');
  assert.equal(sql(server.db, `select type from relationships where person_id = ${other} and related_id = ${s}`), 'mother');
  assert.equal(sql(server.db, `select type from merge_dropped_relationships where merge_id = ${mergeId}`), 'sibling');
  // Nothing is left on the merged record but its own row (and copies of what both had).
  for (const t of ['addresses', 'person_names', 'contact_methods', 'person_keys', 'person_grants']) {
    assert.equal(sql(server.db, `select count(*) from ${t} where person_id = ${m}`), '0', t);
  }
  assert.equal(sql(server.db, `select merged_into, legacy_id is null from people where id = ${m}`), `${s}|1`);
  assert.equal(sql(server.db, 'pragma foreign_key_check'), '');

  // The old id opens the survivor; search finds the survivor, never the merged record.
  const old = await api('GET', `/api/v1/people/${m}`);
  assert.equal(old.status, 200);
  assert.equal(old.body.id, s);
  assert.equal(old.body.resolved_from_merged_id, true);
  const found = await api('GET', `/api/v1/people?q=${encodeURIComponent('Lilly AshcombeA')}`);
  const ids = found.body.results.map((r) => r.id);
  assert.ok(ids.includes(s) && !ids.includes(m), ids.join());
  const dups = await api('GET', '/api/v1/people/duplicates?limit=1000');
  assert.ok(!dups.body.pairs.some((p) => p.a.id === m || p.b.id === m));

  // Audited on both records with the reason.
  for (const id of [s, m]) {
    const rows = sql(server.db, `select reason from audit where action = 'person.merge' and record_type = 'person' and record_id = '${id}'`);
    assert.equal(rows, 'Same child: school and GP confirm');
  }

  // Undo: every table is exactly as it was.
  const undo = await api('POST', `/api/v1/people/merge/${mergeId}/undo`, { reason: 'Merged in error' });
  assert.equal(undo.status, 200, undo.text_);
  assert.ok(undo.body.undone_at);
  assert.equal(undo.body.undo_reason, 'Merged in error');
  assert.deepEqual(snapshot([s, m, other]), before);
  for (const id of [s, m]) {
    const rows = sql(server.db, `select reason from audit where action = 'person.merge-undo' and record_id = '${id}'`);
    assert.equal(rows, 'Merged in error');
  }
  assert.equal((await api('GET', `/api/v1/people/${m}`)).body.id, m);
  const again = await api('POST', `/api/v1/people/merge/${mergeId}/undo`, { reason: 'again' });
  assert.equal(again.status, 409);
  assert.match(again.body.detail, /already been undone/);
});

test('undo is refused once either record has changed, naming what blocks it', async () => {
  const { s, m } = await mergePair('B');
  const res = await api('POST', '/api/v1/people/merge', { survivor: s, merged: m, reason: 'duplicate' });
  assert.equal(res.status, 201, res.text_);
  // Looking at the records does not block the undo.
  assert.equal((await api('GET', `/api/v1/people/${s}`)).status, 200);
  assert.equal((await api('GET', `/api/v1/people/merge/${res.body.id}`)).body.can_undo, true);
  // A write through the merged-away id is refused rather than hidden away.
  const through = await api('POST', `/api/v1/people/${m}/addresses`, { line1: '2 Lost Lane' });
  assert.equal(through.status, 409);
  assert.match(through.body.detail, new RegExp(`merged into ${s}`));

  assert.equal((await api('POST', `/api/v1/people/${s}/addresses`, { line1: '3 Later Lane' })).status, 201);
  const blocked = await api('POST', `/api/v1/people/merge/${res.body.id}/undo`, { reason: 'mistake' });
  assert.equal(blocked.status, 409);
  assert.match(blocked.body.detail, new RegExp(`a row in addresses \\(id \\d+\\) was added to person ${s} after the merge`));
  const view = await api('GET', `/api/v1/people/merge/${res.body.id}`);
  assert.equal(view.body.can_undo, false);
  assert.match(view.body.undo_blocked, /addresses/);
  assert.equal(sql(server.db, `select merged_into from people where id = ${m}`), String(s), 'nothing undone');

  // A change to the survivor's details blocks it too.
  const second = await mergePair('C');
  const r2 = await api('POST', '/api/v1/people/merge', { survivor: second.s, merged: second.m, reason: 'duplicate' });
  assert.equal((await api('PATCH', `/api/v1/people/${second.s}`, { preferred_name: 'Lils' })).status, 200);
  const blocked2 = await api('POST', `/api/v1/people/merge/${r2.body.id}/undo`, { reason: 'mistake' });
  assert.equal(blocked2.status, 409);
  assert.match(blocked2.body.detail, new RegExp(`person ${second.s} was changed after the merge \\(person.update\\)`));
});

test('bad merge requests are refused and change nothing', async () => {
  const a = await person({ forenames: 'Ivy', surname: 'Castellan', dob: '2011-04-04' });
  const b = await person({ forenames: 'Ivy', surname: 'Castelan', dob: '2011-04-04' });
  const hidden = await person({ forenames: 'Ivy', surname: 'Castellan', dob: '2011-04-04', restricted: true }, admin);
  const merges = () => sql(server.db, 'select count(*) from merges');
  const count = merges();
  const cases = [
    [{ survivor: a, merged: a, reason: 'x' }, 422, 'merged'],
    [{ survivor: a, merged: 999999, reason: 'x' }, 404, 'merged'],
    [{ survivor: a, merged: b }, 422, 'reason'],
    [{ survivor: a, merged: b, reason: '' }, 422, 'reason'],
    [{ survivor: a, merged: hidden, reason: 'x' }, 404, 'merged'],
    [{ survivor: a, merged: b, reason: 'x', extra: 1 }, 422, 'extra'],
    [{ survivor: 'a', merged: b, reason: 'x' }, 422, 'survivor'],
  ];
  for (const [body, status, field] of cases) {
    const res = await api('POST', '/api/v1/people/merge', body);
    assert.equal(res.status, status, `${JSON.stringify(body)}: ${res.text_}`);
    if (field) assert.equal(res.body.field, field, JSON.stringify(body));
  }
  assert.equal((await api('POST', '/api/v1/people/merge', { survivor: a, merged: b, reason: 'x' }, auditor)).status, 403);
  assert.equal(merges(), count, 'no merge recorded');

  assert.equal((await api('POST', '/api/v1/people/merge', { survivor: a, merged: b, reason: 'same' })).status, 201);
  const twice = await api('POST', '/api/v1/people/merge', { survivor: a, merged: b, reason: 'same' });
  assert.equal(twice.status, 409);
  assert.match(twice.body.detail, /already been merged/);
  const into = await api('POST', '/api/v1/people/merge', { survivor: b, merged: a, reason: 'same' });
  assert.equal(into.status, 409);
  assert.equal((await api('POST', '/api/v1/people/merge/999999/undo', { reason: 'x' })).status, 404);
  assert.equal((await api('POST', '/api/v1/people/merge/1/undo', {})).status, 422);
});

test('the pages: report, side-by-side confirmation, merge, undo', async () => {
  const s = await person({ forenames: 'Poppy', surname: 'Fairbanks', dob: '2013-08-08', nhs_number: nhs(55555) });
  const m = await person({ forenames: 'Poppy', surname: 'Fairbank', dob: '2013-08-08', address: { line1: '5 Mill Lane' } });
  const c = server.client(); // the worker who recorded both (need-to-know)
  assert.equal((await c.signIn('merge-worker', server.passwords['merge-worker'])).status, 303);

  assert.match((await c.get('/people')).text_, /href="\/people\/duplicates"/);
  const report = await c.get('/people/duplicates');
  assert.equal(report.status, 200);
  assert.match(report.text_, new RegExp(`href="/people/merge\\?survivor=${s}&amp;merged=${m}"`));
  assert.equal((await c.get('/people/duplicates?min_score=500')).status, 422);

  const compare = await c.get(`/people/merge?survivor=${s}&merged=${m}`);
  assert.equal(compare.status, 200);
  assert.match(compare.text_, /Keep: person/);
  assert.match(compare.text_, /5 Mill Lane/);
  assert.equal((await c.get('/people/merge')).status, 400);

  const csrf = csrfFrom(compare.text_);
  const noReason = await c.postForm('/people/merge', { csrf_token: csrf, survivor: s, merged: m, reason: '' });
  assert.equal(noReason.status, 422);
  assert.match(noReason.text_, /govuk-error-summary/);
  const done = await c.postForm('/people/merge', { csrf_token: csrf, survivor: s, merged: m, reason: 'Same child' });
  assert.equal(done.status, 303);
  const loc = done.headers.get('location');
  assert.match(loc, /^\/people\/merge\/\d+\?done=1$/);
  const page = await c.get(loc);
  assert.match(page.text_, /Records merged/);
  assert.match(page.text_, /Undo merge/);
  const id = loc.match(/\/people\/merge\/(\d+)/)[1];
  const undone = await c.postForm(`/people/merge/${id}/undo`, { csrf_token: csrf, reason: 'Not the same child' });
  assert.equal(undone.status, 303);
  assert.match((await c.get(undone.headers.get('location'))).text_, /Merge undone/);
  assert.equal(sql(server.db, `select merged_into is null from people where id = ${m}`), '1');
});
