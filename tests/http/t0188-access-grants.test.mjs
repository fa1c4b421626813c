// A manager's need-to-know grant (domain/access_grants): a team manager lets a
// member of their own team open a record their team holds, with a reason and
// an end date; the grant is audited, listed on the record's access page and
// revocable; it lapses when it expires; it never opens a restricted record.
// A manager who only broke the glass, or who has no relationship with the
// record, cannot hand it on; nor can they grant outside their teams or to
// themselves; practitioners cannot grant at all.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, tokenFor, csrfFrom, ok, sqlite } from './lib.mjs';

let server, root, pat, mona, max, pia, sid;
let ids = {};
const sql = (q) => sqlite(server.db, q);
const userId = (u) => Number(sql(`select id from users where username = '${u}'`));
const day = (n) => new Date(Date.now() + n * 86400e3).toISOString().slice(0, 10);

before(async () => {
  server = await new Server().start();
  const api = (t) => (m, p, b) => server.api(t, m, p, b);
  root = api(await tokenFor(server, 'root', 'administrator'));
  pat = api(await tokenFor(server, 'pat', 'practitioner'));
  mona = api(await tokenFor(server, 'mona', 'manager'));
  max = api(await tokenFor(server, 'max', 'manager'));
  pia = api(await tokenFor(server, 'pia', 'practitioner'));
  sid = api(await tokenFor(server, 'sid', 'practitioner'));
  // Mona manages the locality team (which holds the case) and the hospital
  // team; Pia works in the hospital team only, Sid in neither; Max manages
  // the hospital team only.
  const locality = await ok(await root('POST', '/api/v1/teams', { name: 'Locality' }), 201);
  const hospital = await ok(await root('POST', '/api/v1/teams', { name: 'Hospital' }), 201);
  const other = await ok(await root('POST', '/api/v1/teams', { name: 'Elsewhere' }), 201);
  for (const [u, teams] of [['mona', [locality.id, hospital.id]], ['pia', [hospital.id]], ['max', [hospital.id]], ['sid', [other.id]]])
    await ok(await root('PATCH', `/api/v1/users/${userId(u)}`, { teams }));
  const p = await ok(await pat('POST', '/api/v1/people', { forenames: 'Grant', surname: 'Tester', dob: '2014-05-06', confirm_new: true }), 201);
  const contact = await ok(await pat('POST', '/api/v1/contacts', {
    children: [{ person_id: p.id }], referrer: { name: 'School' }, source: '3A', concern: 'Grant test.',
  }), 201);
  await ok(await mona('POST', `/api/v1/cases/${contact.children[0].case_id}/allocation`, { team_id: locality.id, reason: 'Ours' }));
  ids = { person: p.id, pia: userId('pia'), sid: userId('sid'), mona: userId('mona') };
});
after(async () => { await server.stop(); });

test('a manager grants a team member access to a record the team holds; audited, listed, revoked', async () => {
  const url = `/api/v1/people/${ids.person}/access-grants`;
  // Before: Pia has no work with the child; a reason would be asked for.
  const before = await pia('GET', `/api/v1/people/${ids.person}`);
  assert.equal(before.status, 403);
  assert.equal(before.body_.type, '/problems/break-glass');

  // Refusals, each naming its rule.
  assert.equal((await pat('POST', url, { user_id: ids.pia, reason: 'x', expires_on: day(30) })).status, 403);
  const outside = await mona('POST', url, { user_id: ids.sid, reason: 'Cover', expires_on: day(30) });
  assert.equal(outside.status, 403);
  assert.match(outside.body_.detail, /members of your own teams/);
  const self = await mona('POST', url, { user_id: ids.mona, reason: 'Me', expires_on: day(30) });
  assert.equal(self.status, 422);
  for (const [body, field] of [
    [{ user_id: ids.pia, reason: '', expires_on: day(30) }, 'reason'],
    [{ user_id: ids.pia, reason: 'Cover', expires_on: day(0) }, 'expires_on'],
    [{ user_id: ids.pia, reason: 'Cover', expires_on: day(400) }, 'expires_on'],
    [{ user_id: ids.pia, reason: 'Cover', expires_on: '2026-02-30' }, 'expires_on'],
    [{ user_id: 999999, reason: 'Cover', expires_on: day(30) }, 'user_id'],
  ]) {
    const res = await mona('POST', url, body);
    assert.equal(res.status, 422, JSON.stringify(body));
    assert.equal(res.body_.field, field);
  }
  assert.equal(sql('select count(*) from access_grants'), '0');

  // The grant.
  const g = await ok(await mona('POST', url, { user_id: ids.pia, reason: 'Hospital discharge planning', expires_on: day(30) }), 201);
  assert.equal(sql("select reason from audit where action = 'person.access-grant'"), 'Hospital discharge planning');
  assert.equal(sql(`select record_id from audit where action = 'person.access-grant'`), String(ids.person));
  assert.equal((await mona('POST', url, { user_id: ids.pia, reason: 'Again', expires_on: day(30) })).status, 409);

  // Pia opens the record without breaking the glass.
  await ok(await pia('GET', `/api/v1/people/${ids.person}`));
  assert.equal(sql('select count(*) from access_overrides'), '0');
  // Pia cannot pass it on (not a manager), nor can Max (no relationship of his own).
  assert.equal((await pia('POST', url, { user_id: ids.sid, reason: 'x', expires_on: day(3) })).status, 403);
  const maxTry = await max('POST', url, { user_id: ids.pia, reason: 'x', expires_on: day(3) });
  assert.equal(maxTry.status, 403);
  assert.equal(maxTry.body_.type, '/problems/break-glass');
  // Breaking the glass lets Max read it, not hand it on.
  await ok(await max('POST', `/api/v1/people/${ids.person}/break-glass`, { reason: 'management', detail: 'Checking.' }), 201);
  const maxAgain = await max('POST', url, { user_id: ids.pia, reason: 'x', expires_on: day(3) });
  assert.equal(maxAgain.status, 403);
  assert.match(maxAgain.body_.detail, /override or a grant does not count/);

  // Listed, with who, why and until when.
  const list = await ok(await mona('GET', url));
  assert.equal(list.items.length, 1);
  const [item] = list.items;
  assert.deepEqual([item.id, item.username, item.granted_by, item.reason, item.in_force, item.revoked_at],
    [g.id, 'pia', 'mona', 'Hospital discharge planning', true, null]);
  assert.equal((await pia('GET', url)).status, 403);

  // Revoked: Pia is back to needing a reason; revoking twice is a conflict.
  assert.equal((await mona('POST', `${url}/${g.id}/revoke`)).status, 204);
  assert.equal(sql(`select count(*) from audit where action = 'person.access-revoke' and record_id = '${ids.person}'`), '1');
  assert.equal((await pia('GET', `/api/v1/people/${ids.person}`)).status, 403);
  assert.equal((await mona('POST', `${url}/${g.id}/revoke`)).status, 409);
  assert.equal((await mona('POST', `/api/v1/people/999999/access-grants/${g.id}/revoke`)).status, 404);
  const after = await ok(await mona('GET', url));
  assert.deepEqual([after.items[0].in_force, after.items[0].revoked_by], [false, 'mona']);
});

test('an expired grant opens nothing; a restricted record still needs its own grant', async () => {
  const url = `/api/v1/people/${ids.person}/access-grants`;
  const g = await ok(await mona('POST', url, { user_id: ids.pia, reason: 'Short cover', expires_on: day(1) }), 201);
  await ok(await pia('GET', `/api/v1/people/${ids.person}`));
  // It expires at the end of its day (London): move it into the past.
  sql(`update access_grants set expires_at = strftime('%s', 'now') - 60 where id = ${g.id}`);
  assert.equal((await pia('GET', `/api/v1/people/${ids.person}`)).status, 403);
  const listed = await ok(await mona('GET', url));
  assert.equal(listed.items.find((i) => i.id === g.id).in_force, false);

  const g2 = await ok(await mona('POST', url, { user_id: ids.pia, reason: 'Longer cover', expires_on: day(60) }), 201);
  await ok(await pia('GET', `/api/v1/people/${ids.person}`));
  // Restricted (by the manager, who keeps sight of it): her access grant to Pia does not open it.
  await ok(await mona('PATCH', `/api/v1/people/${ids.person}`, { restricted: true }));
  assert.equal((await pia('GET', `/api/v1/people/${ids.person}`)).status, 404);
  await ok(await mona('PATCH', `/api/v1/people/${ids.person}`, { restricted: false }));
  await ok(await pia('GET', `/api/v1/people/${ids.person}`));
  assert.equal((await mona('POST', `${url}/${g2.id}/revoke`)).status, 204);
});

test('the access page lists grants and grants and revokes through its forms', async () => {
  const c = server.client();
  assert.equal((await c.signIn('mona', server.passwords.mona)).status, 303);
  const person = await c.get(`/people/${ids.person}`);
  assert.match(person.text_, new RegExp(`href="/people/${ids.person}/access"`));
  const page = await c.get(`/people/${ids.person}/access`);
  assert.equal(page.status, 200);
  assert.match(page.text_, /Access to this record/);
  assert.match(page.text_, /Hospital discharge planning/); // the earlier, revoked grant
  assert.match(page.text_, /Revoked by mona/);
  // The worker list is Mona's team-mates: Pia and Max, not Sid.
  assert.match(page.text_, new RegExp(`<option value="${ids.pia}"`));
  assert.doesNotMatch(page.text_, new RegExp(`<option value="${ids.sid}"`));
  const csrf = csrfFrom(page.text_);
  const [y, m, d] = day(14).split('-');
  const bad = await c.postForm(`/people/${ids.person}/access`, { csrf_token: csrf, user_id: String(ids.pia), reason: '', 'expires_on-day': d, 'expires_on-month': m, 'expires_on-year': y });
  assert.equal(bad.status, 422);
  assert.match(bad.text_, /Enter why the worker needs the record/);
  const made = await c.postForm(`/people/${ids.person}/access`, { csrf_token: csrf, user_id: String(ids.pia), reason: 'Weekend duty', 'expires_on-day': d, 'expires_on-month': m, 'expires_on-year': y });
  assert.equal(made.status, 303, made.text_);
  assert.equal(made.headers.get('location'), `/people/${ids.person}/access`);
  await ok(await pia('GET', `/api/v1/people/${ids.person}`));
  const shown = await c.get(`/people/${ids.person}/access`);
  assert.match(shown.text_, /Weekend duty/);
  const id = Number(sql("select id from access_grants where reason = 'Weekend duty'"));
  assert.match(shown.text_, new RegExp(`data-testid="revoke-${id}"`));
  const revoked = await c.postForm(`/people/${ids.person}/access/${id}/revoke`, { csrf_token: csrf });
  assert.equal(revoked.status, 303);
  assert.equal((await pia('GET', `/api/v1/people/${ids.person}`)).status, 403);
  // A practitioner has no access page.
  const p = server.client();
  assert.equal((await p.signIn('pia', server.passwords.pia)).status, 303);
  assert.equal((await p.get(`/people/${ids.person}/access`)).status, 403);
});
