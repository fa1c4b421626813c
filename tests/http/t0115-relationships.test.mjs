// Relationships: typed, reciprocal, dated; professionals; the network page
// (eco-map SVG and its accessible table); validation and audit.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { Server, tokenFor, csrfFrom } from './lib.mjs';

let server, api;
const sql = (q) => execFileSync('sqlite3', [server.db, q], { encoding: 'utf8' }).trim();

before(async () => {
  server = await new Server().start();
  const token = await tokenFor(server, 'rel.worker', 'practitioner');
  api = (method, path, body) => server.api(token, method, path, body);

  for (const [forenames, surname, dob] of [['Alma', 'Quill', '1984-02-01'], ['Bram', 'Quill', '2012-05-06'],
    ['Cleo', 'Quill', '2014-07-08'], ['Dov', 'Marsh', '1950-03-03']]) {
    const r = await api('POST', '/api/v1/people', { forenames, surname, dob, confirm_new: true });
    assert.equal(r.status, 201);
  }
});
after(async () => { await server.stop(); });

const byOther = (list, id) => list.find((r) => r.other_id === id);

test('A is mother of B shows B is child of A, both ways, with dates', async () => {
  let r = await api('POST', '/api/v1/people/1/relationships', { type: 'mother', related_id: 2, from_date: '2012-05-06' });
  assert.equal(r.status, 201);
  assert.equal(byOther(r.body_.relationships, 2).label, 'mother');
  r = await api('GET', '/api/v1/people/2/relationships');
  const mum = byOther(r.body_.relationships, 1);
  assert.equal(mum.type, 'child');
  assert.equal(mum.label, 'child');
  assert.equal(mum.other_label, 'mother');
  assert.equal(mum.other_name, 'Alma Quill');
  assert.equal(mum.from_date, '2012-05-06');
  // Stored once: one row, from the side it was stated.
  assert.equal(sql('select count(*) from relationships'), '1');
  // Audited on both records.
  assert.equal(sql("select count(*) from audit where action = 'relationship.add' and record_id in ('1','2')"), '2');
});

test('symmetric, grandparent and professional relationships', async () => {
  assert.equal((await api('POST', '/api/v1/people/2/relationships', { type: 'sibling', related_id: 3 })).status, 201);
  assert.equal((await api('POST', '/api/v1/people/4/relationships', { type: 'grandparent', related_id: 2 })).status, 201);
  const school = await api('POST', '/api/v1/people/2/relationships', { type: 'prof_school', professional_name: 'Quill Lane Primary' });
  assert.equal(school.status, 201);
  const r = await api('GET', '/api/v1/people/2/relationships');
  const rels = r.body_.relationships;
  assert.equal(byOther(rels, 3).label, 'sibling');
  assert.equal(byOther(rels, 4).label, 'grandchild');
  const prof = rels.find((x) => x.professional);
  assert.equal(prof.other_name, 'Quill Lane Primary');
  assert.equal(prof.other_id, null);
  assert.equal(byOther((await api('GET', '/api/v1/people/3/relationships')).body_.relationships, 2).label, 'sibling');
});

test('bad relationships are refused naming the field, and nothing is written', async () => {
  const before = sql('select count(*) from relationships');
  const cases = [
    [{ type: 'mother', related_id: 1 }, 422, 'related_id', /themselves/],
    [{ type: 'aunt', related_id: 2 }, 422, 'type', /relationship type/],
    [{ type: 'mother', related_id: 999 }, 422, 'related_id', /no person record 999/],
    [{ type: 'mother' }, 422, 'related_id', /related person/],
    [{ type: 'prof_gp' }, 422, 'professional_name', /professional's name/],
    [{ type: 'prof_gp', related_id: 2, professional_name: 'Dr X' }, 422, 'related_id', /professional/],
    [{ type: 'mother', related_id: 3, from_date: '2099-01-01' }, 422, 'from_date', /past/],
    [{ type: 'mother', related_id: 3, from_date: '2020-02-30' }, 422, 'from_date', /real date/],
    [{ type: 'father', related_id: 2 }, 409, 'type', /already have a current relationship \(mother\)/],
    [{ type: 'mother', related_id: 2, colour: 'red' }, 422, 'colour', /Unknown field/],
  ];
  for (const [body, status, field, detail] of cases) {
    const r = await api('POST', '/api/v1/people/1/relationships', body);
    assert.equal(r.status, status, JSON.stringify(body));
    assert.equal(r.body_.field, field, JSON.stringify(body));
    assert.match(r.body_.detail, detail);
  }
  // The reverse of an existing one is a contradiction, not a second relationship.
  const rev = await api('POST', '/api/v1/people/2/relationships', { type: 'mother', related_id: 1 });
  assert.equal(rev.status, 409);
  assert.equal(sql('select count(*) from relationships'), before);
});

test('ending keeps the history; a new relationship may follow', async () => {
  const mother = sql("select id from relationships where type = 'mother'");
  let r = await api('POST', `/api/v1/relationships/${mother}/end`, { to_date: '2001-01-01' });
  assert.equal(r.status, 422, 'an end before the start (2012-05-06) is refused');
  assert.equal(r.body_.field, 'to_date');
  const id = sql("select id from relationships where type = 'sibling'");
  r = await api('POST', `/api/v1/relationships/${id}/end`, { to_date: '2024-01-31' });
  assert.equal(r.status, 204);
  r = await api('POST', `/api/v1/relationships/${id}/end`, {});
  assert.equal(r.status, 409);
  assert.equal(sql(`select to_date from relationships where id = ${id}`), '2024-01-31');
  const ended = byOther((await api('GET', '/api/v1/people/3/relationships')).body_.relationships, 2);
  assert.equal(ended.to_date, '2024-01-31');
  assert.equal((await api('POST', '/api/v1/people/2/relationships', { type: 'half_sibling', related_id: 3 })).status, 201);
});

test('the network page draws an eco-map and lists every relationship accessibly', async () => {
  // The worker who recorded the family (need-to-know: their records).
  const c = server.client();
  assert.equal((await c.signIn('rel.worker', server.passwords['rel.worker'])).status, 303);
  const views = () => Number(sql("select count(*) from audit where action = 'person.network-view' and record_id = '2'"));
  const viewsBefore = views();
  const res = await c.get('/people/2/network');
  assert.equal(res.status, 200);
  const svg = res.text_.match(/<svg[^]*?<\/svg>/)[0];
  assert.match(svg, /role="img"/);
  assert.match(svg, /<title id="ecomap-title">Eco-map of Bram Quill<\/title>/);
  assert.match(svg, />Alma Quill</);
  assert.match(svg, />mother</);
  assert.match(svg, />Quill Lane Primary</);
  assert.doesNotMatch(svg, /style=/, 'no inline styles (CSP)');
  const table = res.text_.match(/<table[^]*?data-testid="relationships"[^]*?<\/table>/)[0];
  assert.match(table, /child<\/td><td class="govuk-table__cell"><a class="govuk-link" href="\/people\/1">Alma Quill/);
  assert.match(table, /Dov Marsh/);
  assert.equal(views(), viewsBefore + 1, 'the page view is audited once');
  // Add through the form; ending through the form returns to the page.
  const add = await c.postForm('/people/4/relationships', { csrf_token: csrfFrom(res.text_), type: 'friend', related_id: '1' });
  assert.equal(add.status, 303);
  assert.equal(add.headers.get('location'), '/people/4/network');
  const bad = await c.postForm('/people/4/relationships', { csrf_token: csrfFrom(res.text_), type: 'friend', related_id: 'abc' });
  assert.equal(bad.status, 422);
  assert.match(bad.text_, /href="#related_id"/);
});

test('a restricted relative is shown without their name to those without a grant', async () => {
  const r = await api('POST', '/api/v1/people', { forenames: 'Hidden', surname: 'Quill', dob: '1990-01-01', restricted: true, confirm_new: true });
  assert.equal(r.status, 201);
  const hidden = r.body_.id;
  // A colleague granted access to Cleo (3), but not to the restricted record.
  const admin = server.client();
  server.addUser('rel.colleague', 'practitioner', 'Correct-Horse-colleague1');
  assert.equal((await admin.signIn('rel.colleague', 'Correct-Horse-colleague1')).status, 303);
  const root = await tokenFor(server, 'rel.root', 'administrator');
  const colleague = sql("select id from users where username = 'rel.colleague'");
  assert.equal((await server.api(root, 'POST', '/api/v1/people/3/grants', { user_id: Number(colleague), reason: 'Covering the family' })).status, 204);
  // The creator (rel.worker) has a grant and can relate them.
  assert.equal((await api('POST', `/api/v1/people/${hidden}/relationships`, { type: 'aunt_uncle', related_id: 3 })).status, 201);
  const page = await admin.get('/people/3/network');
  assert.match(page.text_, /Restricted record/);
  assert.doesNotMatch(page.text_, /Hidden Quill/);
});
