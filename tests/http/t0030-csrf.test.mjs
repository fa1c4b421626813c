// CSRF: every state-changing page form and session-authenticated API call must
// carry the session's token (form field csrf_token, or the X-CSRF-Token
// header for the API); the sign-in form's token is bound to the pre-sign-in
// cookie; bearer-token callers need none; GET never does. A refused request
// changes nothing, which is checked in the database.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { Server, csrfFrom, tokenFor } from './lib.mjs';

function sql(db, query) {
  const r = spawnSync('sqlite3', [db, query], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

const teamCount = (name) => sql(server.db, `select count(*) from teams where name = '${name}'`);

let server, adminPassword;
before(async () => {
  server = await new Server().start();
  adminPassword = server.addUser('carol', 'administrator');
});
after(async () => { await server.stop(); });

async function signedIn(username = 'carol', password = adminPassword) {
  const c = server.client();
  const r = await c.signIn(username, password);
  assert.equal(r.status, 303, r.text_);
  return c;
}

function assertRefused(res, pattern) {
  assert.equal(res.status, 403, res.text_);
  assert.match(res.text_, pattern);
}

test('a page form without the security token is refused and changes nothing', async () => {
  const c = await signedIn();
  assertRefused(await c.postForm('/admin/teams', { name: 'No Token' }), /Security token missing/);
  assertRefused(await c.postForm('/admin/teams', { name: 'No Token', csrf_token: '' }), /no security token/);
  assertRefused(await c.postForm('/admin/teams', { name: 'No Token', csrf_token: 'A'.repeat(43) }),
    /does not match your current session/);
  assert.equal(teamCount('No Token'), '0');
  const teams = JSON.parse((await c.get('/api/v1/teams')).text_).teams;
  assert.ok(!teams.some((t) => t.name === 'No Token'));

  // The same form with the right token works.
  const ok = await c.postForm('/admin/teams', { name: 'With Token', csrf_token: await c.csrf() });
  assert.equal(ok.status, 303);
  assert.equal(teamCount('With Token'), '1');
});

test("a token from an earlier session or another user's session is refused", async () => {
  const c = await signedIn();
  const old = await c.csrf();
  assert.equal((await c.postForm('/sign-out', { csrf_token: old })).status, 303);
  assert.equal((await c.signIn('carol', adminPassword)).status, 303);
  const current = await c.csrf();
  assert.notEqual(current, old, 'a new session has a new token');
  assertRefused(await c.postForm('/admin/teams', { name: 'Stale', csrf_token: old }), /does not match/);

  const other = await signedIn('dave', server.addUser('dave', 'administrator'));
  assertRefused(await c.postForm('/admin/teams', { name: 'Stale', csrf_token: await other.csrf() }),
    /does not match/);
  assertRefused(await c.postForm('/account/sign-out-everywhere', { csrf_token: old }), /does not match/);
  assert.equal((await c.get('/account')).status, 200, 'still signed in');
  assert.equal(teamCount('Stale'), '0');
});

test('the sign-in form needs its pre-sign-in cookie and the matching token', async () => {
  const pw = server.addUser('erin', 'practitioner');
  const a = server.client(), b = server.client();
  const tokenA = csrfFrom((await a.get('/sign-in')).text_);
  const tokenB = csrfFrom((await b.get('/sign-in')).text_);
  assert.ok(a.cookies.get('cw_pre') && a.cookies.get('cw_pre') !== b.cookies.get('cw_pre'));
  const creds = { username: 'erin', password: pw, next: '/' };

  const noCookie = await server.client().postForm('/sign-in', { ...creds, csrf_token: tokenA });
  assertRefused(noCookie, /did not send the sign-in cookie/);
  assertRefused(await a.postForm('/sign-in', { ...creds, csrf_token: tokenB }), /does not match/);
  assertRefused(await a.postForm('/sign-in', creds), /no security token/);
  assert.equal(a.cookies.get('cw_session'), undefined);
  assert.equal(sql(server.db, "select count(*) from audit where action like 'login%' and actor = 'erin'"), '0',
    'refused before the password was looked at');

  assert.equal((await a.postForm('/sign-in', { ...creds, csrf_token: tokenA })).status, 303);
  assert.ok(a.cookies.get('cw_session'));
});

test('API calls with the session cookie need X-CSRF-Token; bearer calls do not', async () => {
  const c = await signedIn();
  const me = JSON.parse((await c.get('/api/v1/me')).text_);
  assert.equal(me.auth, 'session');
  assert.match(me.csrf_token, /^[A-Za-z0-9_-]{43}$/);

  const missing = await c.json('POST', '/api/v1/teams', { name: 'Api Team' });
  assert.equal(missing.status, 403);
  assert.equal(missing.headers.get('content-type'), 'application/problem+json');
  const problem = JSON.parse(missing.text_);
  assert.match(problem.detail, /X-CSRF-Token/);
  assert.equal(problem.field, 'csrf_token');
  const wrong = await c.json('POST', '/api/v1/teams', { name: 'Api Team' }, { 'x-csrf-token': 'nope' });
  assert.equal(wrong.status, 403);
  assert.match(JSON.parse(wrong.text_).detail, /does not match/);
  // A form field is not the API's channel for the token.
  const inBody = await c.json('POST', '/api/v1/teams', { name: 'Api Team', csrf_token: me.csrf_token });
  assert.equal(inBody.status, 403);
  assert.equal(teamCount('Api Team'), '0');

  const ok = await c.json('POST', '/api/v1/teams', { name: 'Api Team' }, { 'x-csrf-token': me.csrf_token });
  assert.equal(ok.status, 201, ok.text_);
  assert.equal(JSON.parse(ok.text_).name, 'Api Team');

  // DELETE is state-changing too.
  const made = JSON.parse((await c.json('POST', '/api/v1/tokens', { name: 'x' }, { 'x-csrf-token': me.csrf_token })).text_);
  assert.equal((await c.request('DELETE', `/api/v1/tokens/${made.id}`)).status, 403);
  assert.equal((await c.request('DELETE', `/api/v1/tokens/${made.id}`, { headers: { 'x-csrf-token': me.csrf_token } })).status, 204);

  const token = await tokenFor(server, 'frank', 'administrator');
  const bearer = await server.client().json('POST', '/api/v1/teams', { name: 'Bearer Team' },
    { authorization: `Bearer ${token}` });
  assert.equal(bearer.status, 201, bearer.text_);
  assert.equal(teamCount('Bearer Team'), '1');
});

test('a bearer token does not authenticate page forms', async () => {
  const token = await tokenFor(server, 'gina', 'administrator');
  const res = await server.client().postForm('/admin/teams', { name: 'Via Bearer' },
    { authorization: `Bearer ${token}` });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/sign-in?next=%2Fadmin%2Fteams');
  assert.equal(teamCount('Via Bearer'), '0');
});

test('GET and HEAD requests never need a token', async () => {
  const c = await signedIn();
  for (const p of ['/', '/account', '/admin/users', '/admin/teams', '/admin/audit', '/api/v1/me', '/api/v1/teams']) {
    const res = await c.get(p);
    assert.equal(res.status, 200, p);
  }
  assert.equal((await c.request('HEAD', '/admin/teams')).status, 200);
});
