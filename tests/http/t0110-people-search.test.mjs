// People search: ~40 synthetic people seeded through the API, then one search
// box finds the intended person first despite typos, transposed letters,
// phonetic spellings, swapped name order, a missing middle name, dates written
// several ways (also partial), identifiers as typed (NHS number with spaces,
// UPN, postcode without its space) and #id; results are ordered by score, each
// with reasons, and a clearly different person never ranks above a near match.
// Bad queries are 422 on field q. Synthetic data only (999 NHS range, LA 999).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { Server, tokenFor } from './lib.mjs';

function nhs(seq) {
  for (let s = seq; ; s++) {
    const nine = `999${String(s % 1e6).padStart(6, '0')}`;
    const sum = [...nine].reduce((a, d, i) => a + Number(d) * (10 - i), 0);
    const c = (11 - (sum % 11)) % 11;
    if (c !== 10) return nine + c;
  }
}
function upn(est, year, serial) {
  const L = 'ABCDEFGHJKLMNPQRTUVWXYZ';
  const rest = `999${String(est).padStart(4, '0')}${String(year).padStart(2, '0')}${String(serial).padStart(3, '0')}`;
  return L[[...rest].reduce((a, d, i) => a + Number(d) * (i + 2), 0) % 23] + rest;
}

// key: [forenames, surname, dob, sex, postcode?, extra?]
const SEED = {
  johnSmith: ['John', 'Smith', '1985-04-12', 'M', 'LS1 4AP', { nhs_number: nhs(400100) }],
  janeSmith: ['Jane', 'Smith', '1990-08-30', 'F', 'LS1 4AP'],
  johnSmart: ['John', 'Smart', '1985-04-13', 'M'],
  johnSmithSwap: ['John', 'Smithers', '1985-12-04', 'M'],
  peterSmith: ['Peter', 'Smith', '1972-02-02', 'M'],
  katherine: ['Katherine', 'Oduya', '2012-05-06', 'F', 'M1 1AE'],
  kathleen: ['Kathleen', 'Oduya', '2014-09-10', 'F', 'M1 1AE'],
  mohammed: ['Mohammed', 'Rahman', '2008-01-20', 'M', 'B33 8TH', { upn: upn(3001, 8, 12) }],
  mahmoud: ['Mahmoud', 'Rahim', '2008-03-20', 'M'],
  eleanor: ['Eleanor', 'Whitaker', '1999-10-01', 'F'],
  elena: ['Elena', 'Whitfield', '1999-10-02', 'F'],
  amelia: ['Amelia Rose', 'Hartley', '2014-07-07', 'F', 'CR2 6XH'],
  amy: ['Amy', 'Hartnell', '2014-07-08', 'F'],
  theodora: ['Theodora', 'Blackwood', '2003-03-03', 'F'],
  teddy: ['Edward', 'Blackmore', '2003-03-30', 'M'],
  siobhan: ['Siobhan', 'McAllister', '1965-06-21', 'F', 'DN55 1PT'],
  grzegorz: ['Grzegorz', 'Wisniewski', '1980-11-11', 'M', 'W1A 1AA', { nhs_number: nhs(400200) }],
  oluwaseun: ['Oluwaseun', 'Adeyemi', '2016-02-29', 'M'],
  priya: ['Priya', 'Chandrasekaran', '2011-12-25', 'F', 'SW1A 2AA', { upn: upn(4100, 11, 5) }],
  preeti: ['Preeti', 'Chandra', '2011-12-24', 'F'],
  seanOb: ["Sean", "O'Brien", '1994-04-04', 'M'],
  shaunO: ['Shaun', 'Obrey', '1994-05-04', 'M'],
  zofia: ['Zofia', 'Kowalczyk', '2019-01-15', 'F'],
  sophia: ['Sophia', 'Kowalski', '2019-01-16', 'F'],
  thomas: ['Thomas', 'Thompson', '1978-08-08', 'M'],
  tomasz: ['Tomasz', 'Nowak', '1978-08-09', 'M'],
  harriet: ['Harriet', 'Featherstonehaugh', '1950-01-01', 'F'],
  harry: ['Harry', 'Feather', '1951-01-01', 'M'],
  chloe: ['Chloe', 'Ng', '2020-06-06', 'F'],
  khloe: ['Khloe', 'Nguyen', '2020-07-06', 'F'],
  ibrahim: ['Ibrahim', 'Yilmaz', '2005-05-15', 'M', 'LS1 4AP'],
  dmitri: ['Dmitri', 'Volkov', '1988-02-14', 'M'],
  aisha: ['Aisha', 'Bello', '2013-03-13', 'F'],
  ayesha: ['Ayesha', 'Bell', '2013-03-31', 'F'],
  connor: ['Connor', 'Fitzgerald', '2009-09-09', 'M'],
  conor: ['Conor', 'Fitzpatrick', '2010-09-09', 'M'],
  mary: ['Mary', 'Jones', '1960-10-10', 'F'],
  marie: ['Marie', 'Jonas', '1961-10-10', 'F'],
  wilhelmina: ['Wilhelmina', 'Ashcroft-Baptiste', '1970-07-17', 'F'],
  xavier: ['Xavier', 'Quinlan', '2002-02-20', 'M'],
};
const ids = {};

let server, tok;
before(async () => {
  server = await new Server().start();
  tok = await tokenFor(server, 'sam', 'practitioner');
  for (const [key, [forenames, surname, dob, sex, postcode, extra]] of Object.entries(SEED)) {
    const body = { forenames, surname, dob, sex, confirm_new: true, ...(extra || {}) };
    if (postcode) body.address = { line1: '1 Example Road', postcode };
    const res = await api('POST', '/api/v1/people', body);
    assert.equal(res.status, 201, JSON.stringify(res.body_));
    ids[key] = res.body_.id;
  }
});
after(async () => { await server.stop(); });

const api = (method, p, body) => server.api(tok, method, p, body);
const keyOf = (id) => Object.keys(ids).find((k) => ids[k] === id) || `#${id}`;

// Search; checks the shape every result must have and returns the results.
async function search(q) {
  const res = await api('GET', `/api/v1/people?q=${encodeURIComponent(q)}`);
  assert.equal(res.status, 200, `${q}: ${JSON.stringify(res.body_)}`);
  const { results } = res.body_;
  const shown = `${q} -> ${results.map((r) => `${keyOf(r.id)}:${r.score}`).join(', ')}`;
  for (let i = 0; i < results.length; i++) {
    const r = results[i];
    assert.ok(Number.isInteger(r.score) && r.score >= 0 && r.score <= 100, shown);
    assert.ok(r.reasons && r.reasons.length > 0, `${shown}: result ${i} has no reasons`);
    if (i) assert.ok(results[i - 1].score >= r.score, `${shown}: not ordered by score`);
  }
  results.shown = shown;
  if (process.env.SHOW_SEARCH) console.log(shown);
  return results;
}

// The intended person is first (or within the top `within`), and none of the
// people in `below` rank above them.
async function finds(q, key, { within = 1, below = [] } = {}) {
  const results = await search(q);
  const at = results.findIndex((r) => r.id === ids[key]);
  assert.ok(at >= 0 && at < within, `${results.shown}: ${key} should be ${within === 1 ? 'first' : `in the top ${within}`}`);
  for (const other of below) {
    const j = results.findIndex((r) => r.id === ids[other]);
    assert.ok(j === -1 || results[j].score < results[at].score, `${results.shown}: ${other} must rank below ${key}`);
  }
  return results[at];
}

test('exact name', async () => {
  const r = await finds('Theodora Blackwood', 'theodora', { below: ['teddy'] });
  assert.equal(r.score, 100);
  assert.match(r.reasons, /names match/);
  await finds('John Smith', 'johnSmith', { below: ['janeSmith', 'johnSmart', 'peterSmith'] });
});

test('typos and transposed letters', async () => {
  const r = await finds('John Smtih', 'johnSmith', { below: ['janeSmith', 'johnSmart', 'peterSmith', 'johnSmithSwap'] });
  assert.ok(r.score >= 70, r.reasons);
  await finds('Eleanor Whitaekr', 'eleanor', { below: ['elena'] });
  await finds('Eleanor Whittaker', 'eleanor', { below: ['elena'] });
  await finds('Grezgorz Wisniewski', 'grzegorz');
  await finds('Harriet Featherstonhaugh', 'harriet', { below: ['harry'] });
  await finds('Wilhelmina Ashcroft Baptiste', 'wilhelmina');
});

test('phonetic variants', async () => {
  await finds('John Smyth', 'johnSmith', { below: ['janeSmith', 'johnSmart'] });
  await finds('Catherine Oduya', 'katherine', { below: ['kathleen'] });
  await finds('Muhammad Rahman', 'mohammed', { below: ['mahmoud'] });
  await finds('Mohamed Rahman', 'mohammed', { below: ['mahmoud'] });
  await finds('Shaun OBrien', 'seanOb', { below: ['shaunO'] });
  await finds('Kloe Ng', 'chloe', { below: ['khloe'] });
  await finds('Preethi Chandrasekaran', 'priya', { within: 3 }); // a different first name: ambiguous
  await finds('Aysha Bello', 'aisha', { below: ['ayesha'] });
});

test('name order swapped, surname-comma form, missing middle name', async () => {
  const r = await finds('Blackwood Theodora', 'theodora', { below: ['teddy'] });
  assert.ok(r.score >= 90, r.reasons);
  await finds('Smith, John', 'johnSmith', { below: ['janeSmith', 'johnSmart'] });
  const m = await finds('Amelia Hartley', 'amelia', { below: ['amy'] });
  assert.ok(m.score >= 90, m.reasons);
  await finds('Rose Hartley', 'amelia', { below: ['amy'] });
});

test('date of birth: full in either form, and partial', async () => {
  for (const q of ['12/04/1985', '1985-04-12', '12.4.1985']) {
    const r = await finds(q, 'johnSmith', { below: ['johnSmart', 'johnSmithSwap'] });
    assert.match(r.reasons, /date of birth/i);
  }
  await finds('Smith 12/04/1985', 'johnSmith', { below: ['janeSmith', 'johnSmithSwap', 'peterSmith'] });
  // Day and month swapped still finds the person, with the swapped-date decoy first.
  await finds('04/12/1985', 'johnSmith', { within: 3 });
  await finds('Smith 04/1985', 'johnSmith', { below: ['janeSmith', 'peterSmith'] });
  await finds('Hartley 2014', 'amelia', { below: ['amy'] });
  await finds('Oduya 2012', 'katherine', { below: ['kathleen'] });
  await finds('Chandra 12/2011', 'preeti', { within: 3 });
});

test('identifiers as typed: NHS number with spaces, UPN, postcode without space, #id', async () => {
  const n = SEED.grzegorz[5].nhs_number;
  for (const q of [`${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`, n, `${n.slice(0, 3)}-${n.slice(3, 6)}-${n.slice(6)}`]) {
    const r = await search(q);
    assert.equal(r[0].id, ids.grzegorz, r.shown);
    assert.equal(r[0].score, 100);
    assert.match(r[0].reasons, /NHS number matches/);
    assert.equal(r[0].nhs_number, n);
  }
  const u = SEED.mohammed[5].upn;
  for (const q of [u, u.toLowerCase()]) {
    const r = await search(q);
    assert.equal(r[0].id, ids.mohammed, r.shown);
    assert.match(r[0].reasons, /UPN matches/);
  }
  // A wrong name beside the right NHS number is flagged, not hidden.
  const wrong = await search(`Xavier Quinlan ${n}`);
  const g = wrong.find((r) => r.id === ids.grzegorz);
  assert.ok(g && g.score <= 70, wrong.shown);
  assert.equal(wrong[0].id, ids.xavier, wrong.shown);

  const pc = await search('ls14ap');
  assert.deepEqual(pc.map((r) => r.id).sort((a, b) => a - b), [ids.johnSmith, ids.janeSmith, ids.ibrahim].sort((a, b) => a - b), pc.shown);
  for (const r of pc) assert.equal(r.postcode, 'LS1 4AP');
  await finds('Smith LS14AP', 'johnSmith', { within: 2, below: ['peterSmith'] });
  await finds('Jane Smith ls1 4ap', 'janeSmith', { below: ['johnSmith'] });

  const byId = await search(`#${ids.dmitri}`);
  assert.equal(byId[0].id, ids.dmitri, byId.shown);
  assert.match(byId[0].reasons, /local id/);
  assert.equal((await search('#999999')).length, 0);
});

test('clearly different people are not returned for a precise query', async () => {
  const r = await search('Oluwaseun Adeyemi 29/02/2016');
  assert.equal(r[0].id, ids.oluwaseun, r.shown);
  assert.equal(r[0].score, 100);
  assert.ok(r.every((x, i) => i === 0 || x.score < 60), r.shown);
  const none = await search('Zebedee Quarrington-Vole');
  assert.equal(none.length, 0, none.shown);
});

test('a bad query is 422 on field q; the pages show the error and escape the query', async () => {
  for (const q of ['', 'x'.repeat(201)]) {
    const res = await api('GET', `/api/v1/people?q=${q}`);
    assert.equal(res.status, 422, q);
    assert.equal(res.headers.get('content-type'), 'application/problem+json');
    assert.equal(res.body_.field, 'q');
    assert.match(res.body_.detail, /200 characters/);
  }
  assert.equal((await api('GET', `/api/v1/people?q=${'x'.repeat(200)}`)).status, 200);
  const missing = await api('GET', '/api/v1/people');
  assert.equal(missing.status, 422);
  assert.equal(missing.body_.field, 'q');

  const c = server.client();
  const pw = server.addUser('sid', 'practitioner');
  assert.equal((await c.signIn('sid', pw)).status, 303);
  const long = await c.get(`/people?q=${'x'.repeat(201)}`);
  assert.equal(long.status, 422);
  assert.match(long.text_, /govuk-error-summary[\s\S]*href="#q"/);
  const xss = await c.get(`/people?q=${encodeURIComponent('<script>alert(1)</script> Nobody')}`);
  assert.equal(xss.status, 200);
  assert.doesNotMatch(xss.text_, /<script>alert/);
  assert.match(xss.text_, /data-testid="no-results"/);
  const hit = await c.get('/people?q=Theodora+Blackwood');
  assert.match(hit.text_, new RegExp(`href="/people/${ids.theodora}">Theodora Blackwood</a>`));
});
