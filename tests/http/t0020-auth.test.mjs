// Authentication: the sign-in form (redirects, cookie flags, session rotation),
// failed sign-ins and lock-out, disabled users, idle and absolute session
// timeouts (the clock is moved with CASEWORK_CLOCK_OFFSET_SECONDS across a
// restart on the same database), sign out, API tokens, password storage and
// HTTPS. Database state is checked with the sqlite3 command.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { Server, csrfFrom, tokenFor } from './lib.mjs';

const WRONG = 'The username or password is wrong';

// Rows of a query, each row's columns joined by '|'.
function sql(db, query) {
  const r = spawnSync('sqlite3', [db, query], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\n').filter(Boolean);
}

function setCookie(res, name) {
  return res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`));
}

// A client that holds only the given session cookie (a copy of an old one).
function withSession(server, value) {
  const c = server.client();
  c.cookies.set('cw_session', value);
  return c;
}

// Sign in through the form with a chosen `next`.
async function signInNext(c, username, password, next) {
  const form = await c.get('/sign-in');
  return c.postForm('/sign-in', { csrf_token: csrfFrom(form.text_), username, password, next });
}

function assertSentToSignIn(res) {
  assert.equal(res.status, 303, res.text_);
  assert.equal(res.headers.get('location'), '/sign-in?expired=1');
}

// Restart on the same database with the clock moved forward.
async function restart(old, offsetSeconds, args = []) {
  await old.stop({ keep: true });
  return new Server({ dir: old.dir, args, env: { CASEWORK_CLOCK_OFFSET_SECONDS: String(offsetSeconds) } }).start();
}

let server;
before(async () => { server = await new Server().start(); });
after(async () => { await server.stop(); });

test('sign-in sets a strict HttpOnly session cookie and follows only local next paths', async () => {
  const pw = server.addUser('alice', 'practitioner');
  const c = server.client();
  const ok = await signInNext(c, 'alice', pw, '/account');
  assert.equal(ok.status, 303);
  assert.equal(ok.headers.get('location'), '/account');
  const cookie = setCookie(ok, 'cw_session');
  assert.ok(cookie, 'session cookie set');
  const attrs = cookie.split(';').map((a) => a.trim());
  assert.ok(attrs[0].length > 'cw_session='.length + 30, 'cookie carries a long random token');
  for (const a of ['HttpOnly', 'SameSite=Strict', 'Path=/']) assert.ok(attrs.includes(a), `${a} in ${cookie}`);
  assert.ok(!attrs.includes('Secure'), 'Secure only under TLS');
  assert.equal((await c.get('/account')).status, 200);

  for (const next of ['//evil.example', 'https://evil', '/\\evil.example', 'evil']) {
    const r = await signInNext(server.client(), 'alice', pw, next);
    assert.equal(r.status, 303);
    assert.equal(r.headers.get('location'), '/', `next=${next}`);
  }
});

test('every sign-in gets a new session id; signing in again ends the old session', async () => {
  const pw = server.addUser('rita', 'practitioner');
  const c = server.client();
  assert.equal((await c.signIn('rita', pw)).status, 303);
  const first = c.cookies.get('cw_session');
  const other = server.client();
  await other.signIn('rita', pw);
  assert.notEqual(other.cookies.get('cw_session'), first);

  // The same browser signs in again while its session is live: a fresh form
  // (and pre-sign-in cookie) is fetched, then posted with the old session cookie.
  const anon = server.client();
  const form = await anon.get('/sign-in');
  c.cookies.set('cw_pre', anon.cookies.get('cw_pre'));
  const again = await c.postForm('/sign-in', { csrf_token: csrfFrom(form.text_), username: 'rita', password: pw, next: '/' });
  assert.equal(again.status, 303, again.text_);
  const second = c.cookies.get('cw_session');
  assert.ok(second && second !== first, 'session id rotated');
  assert.ok(!c.cookies.has('cw_pre'), 'pre-sign-in cookie cleared');
  assert.equal((await c.get('/')).status, 200);
  assertSentToSignIn(await withSession(server, first).get('/'));
  assert.equal((await other.get('/')).status, 200, 'other browsers keep their sessions');
});

test('wrong password and unknown username get the same answer, and are audited', async () => {
  server.addUser('bob', 'practitioner');
  const wrong = await server.client().signIn('bob', 'not-his-password');
  const unknown = await server.client().signIn('nobody-here', 'whatever-password');
  for (const r of [wrong, unknown]) {
    assert.equal(r.status, 401);
    assert.match(r.text_, new RegExp(WRONG));
    assert.ok(!setCookie(r, 'cw_session'), 'no session on failure');
  }
  const rows = sql(server.db, "select action, actor, detail from audit where action = 'login-failed'");
  assert.ok(rows.includes('login-failed|bob|wrong password'), rows.join('\n'));
  assert.ok(rows.includes('login-failed|nobody-here|unknown username'), rows.join('\n'));
});

test('too many failures lock the account until reset or the lock-out passes', async () => {
  const args = ['--login-max-failures', '3', '--login-lockout-minutes', '15'];
  let s = await new Server({ args }).start();
  try {
    const pw = s.addUser('lou', 'practitioner');
    const lockOut = async () => {
      for (let i = 0; i < 3; i++) assert.equal((await s.client().signIn('lou', 'bad-password')).status, 401);
      const locked = await s.client().signIn('lou', pw);
      assert.equal(locked.status, 429);
      assert.match(locked.text_, /Try again in 15 minutes/);
      assert.ok(!setCookie(locked, 'cw_session'));
    };
    await lockOut();
    assert.ok(sql(s.db, "select actor from audit where action = 'login-locked'").includes('lou'));

    const fresh = 'A-new-Password-123';
    const reset = s.cli(['user', 'reset', 'lou', '--password-stdin'], `${fresh}\n`);
    assert.equal(reset.status, 0, reset.stderr);
    assert.equal((await s.client().signIn('lou', fresh)).status, 303, 'reset clears the lock');

    await lockOut();
    s = await restart(s, 1000, args); // 16 minutes later
    assert.equal((await s.client().signIn('lou', fresh)).status, 303, 'lock-out expired');
    assert.equal(sql(s.db, "select failed_logins || '|' || coalesce(locked_until, '') from users where username = 'lou'")[0], '0|');
  } finally {
    await s.stop();
  }
});

test('after a lock-out passes, the user has the full number of attempts again', async () => {
  const args = ['--login-max-failures', '3', '--login-lockout-minutes', '15'];
  let s = await new Server({ args }).start();
  try {
    const pw = s.addUser('lena', 'practitioner');
    for (let i = 0; i < 3; i++) await s.client().signIn('lena', 'bad-password');
    assert.equal((await s.client().signIn('lena', pw)).status, 429);
    s = await restart(s, 1000, args);
    // One mistyped password after the lock has passed is one failure, not a fourth.
    assert.equal((await s.client().signIn('lena', 'bad-password')).status, 401);
    assert.equal((await s.client().signIn('lena', pw)).status, 303,
      'a single failure after the lock-out must not lock the account again');
    // Whenever an account is locked, the lock is audited.
    for (let i = 0; i < 3; i++) await s.client().signIn('lena', 'bad-password');
    assert.equal((await s.client().signIn('lena', pw)).status, 429);
    assert.deepEqual(sql(s.db, "select actor from audit where action = 'login-locked'"), ['lena', 'lena']);
  } finally {
    await s.stop();
  }
});

test('a disabled user cannot sign in and loses their session and tokens', async () => {
  const pw = server.addUser('dora', 'practitioner');
  const c = server.client();
  await c.signIn('dora', pw);
  const made = await c.postForm('/account/tokens', { csrf_token: await c.csrf(), name: 'dora-script' });
  const token = made.text_.match(/data-testid="new-token">([^<]+)</)[1];
  const cookie = c.cookies.get('cw_session');

  const r = server.cli(['user', 'disable', 'dora']);
  assert.equal(r.status, 0, r.stderr);
  assertSentToSignIn(await withSession(server, cookie).get('/'));
  const api = await server.client().get('/api/v1/me', { authorization: `Bearer ${token}` });
  assert.equal(api.status, 401);
  const again = await server.client().signIn('dora', pw);
  assert.equal(again.status, 401);
  assert.match(again.text_, new RegExp(WRONG));
  assert.ok(sql(server.db, "select actor, detail from audit where action = 'login-failed'")
    .includes('dora|account disabled'));

  assert.equal(server.cli(['user', 'enable', 'dora']).status, 0);
  assert.equal((await server.client().signIn('dora', pw)).status, 303);
});

test('sessions end after the idle timeout, counted from the last request', async () => {
  let s = await new Server().start();
  try {
    const pw = s.addUser('ida', 'practitioner');
    const busy = s.client(), idle = s.client(), api = s.client();
    for (const c of [busy, idle, api]) assert.equal((await c.signIn('ida', pw)).status, 303);
    const cookie = (c) => c.cookies.get('cw_session');
    const keepBusy = cookie(busy), keepIdle = cookie(idle), keepApi = cookie(api);

    s = await restart(s, 20 * 60);
    assert.equal((await withSession(s, keepBusy).get('/')).status, 200);
    assert.equal((await withSession(s, keepApi).get('/')).status, 200);

    s = await restart(s, 40 * 60); // busy seen 20 minutes ago, idle 40
    assert.equal((await withSession(s, keepBusy).get('/')).status, 200);
    const page = await withSession(s, keepIdle).get('/');
    assertSentToSignIn(page);
    assert.match(setCookie(page, 'cw_session'), /^cw_session=;.*Max-Age=0/);

    s = await restart(s, 40 * 60 + 31 * 60); // api seen 51 minutes ago
    const res = await withSession(s, keepApi).get('/api/v1/me');
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('content-type'), 'application/problem+json');
    assert.match(JSON.parse(res.text_).detail, /session has expired/);
    assert.match(setCookie(res, 'cw_session'), /Max-Age=0/);
    assertSentToSignIn(await withSession(s, keepApi).get('/')); // and it stays ended

    const rows = sql(s.db, "select actor, detail from audit where action = 'session-expired'");
    assert.deepEqual(rows, ['ida|no activity for too long', 'ida|no activity for too long']);
  } finally {
    await s.stop();
  }
});

test('sessions end after the absolute timeout however busy', async () => {
  const args = ['--session-absolute-hours', '1', '--session-idle-minutes', '600'];
  let s = await new Server({ args }).start();
  try {
    const pw = s.addUser('abe', 'practitioner');
    const c = s.client();
    await c.signIn('abe', pw);
    const cookie = c.cookies.get('cw_session');
    s = await restart(s, 50 * 60, args);
    assert.equal((await withSession(s, cookie).get('/')).status, 200);
    s = await restart(s, 2 * 3600, args);
    assertSentToSignIn(await withSession(s, cookie).get('/'));
    assert.deepEqual(sql(s.db, "select detail from audit where action = 'session-expired'"),
      ['signed in too long ago']);
  } finally {
    await s.stop();
  }
});

test('sign out ends the session; sign out everywhere ends all of them', async () => {
  const pw = server.addUser('sam', 'practitioner');
  const c = server.client();
  await c.signIn('sam', pw);
  const cookie = c.cookies.get('cw_session');
  const out = await c.postForm('/sign-out', { csrf_token: await c.csrf() });
  assert.equal(out.status, 303);
  assert.equal(out.headers.get('location'), '/sign-in?signed_out=1');
  assert.ok(!c.cookies.has('cw_session'), 'cookie cleared');
  assertSentToSignIn(await withSession(server, cookie).get('/'));
  assert.ok(sql(server.db, "select actor from audit where action = 'logout'").includes('sam'));

  const a = server.client(), b = server.client(), someoneElse = server.client();
  await a.signIn('sam', pw);
  await b.signIn('sam', pw);
  await someoneElse.signIn('eve', server.addUser('eve', 'practitioner'));
  const all = await a.postForm('/account/sign-out-everywhere', { csrf_token: await a.csrf() });
  assert.equal(all.status, 303);
  assertSentToSignIn(await b.get('/'));
  assert.equal((await a.get('/')).status, 303);
  assert.equal((await someoneElse.get('/')).status, 200, "other users' sessions are untouched");
  assert.ok(sql(server.db, "select detail from audit where action = 'logout-everywhere'")
    .includes('2 sessions ended'));
});

test('API tokens: bearer access, hashed at rest, revocable, role-checked', async () => {
  const token = await tokenFor(server, 'pete', 'practitioner');
  assert.match(token, /^cw_[A-Za-z0-9_-]{43}$/);
  const bearer = { authorization: `Bearer ${token}` };
  const c = server.client();
  const me = await c.get('/api/v1/me', bearer);
  assert.equal(me.status, 200);
  const body = JSON.parse(me.text_);
  assert.equal(body.username, 'pete');
  assert.equal(body.auth, 'token');
  assert.equal(body.csrf_token, undefined, 'no CSRF token for bearer callers');

  const [row] = sql(server.db, "select t.token_hash, t.prefix from api_tokens t join users u on u.id = t.user_id where u.username = 'pete'");
  const [hash, prefix] = row.split('|');
  assert.match(hash, /^[0-9a-f]{64}$/);
  assert.equal(prefix, token.slice(0, 10));
  const secret = token.slice(10);
  for (const f of readdirSync(server.dir).filter((n) => n.startsWith('casework.db'))) {
    assert.ok(!readFileSync(path.join(server.dir, f)).includes(secret), `token in clear in ${f}`);
  }

  const forbidden = await c.get('/api/v1/users', bearer);
  assert.equal(forbidden.status, 403);
  assert.equal(forbidden.headers.get('content-type'), 'application/problem+json');

  const list = JSON.parse((await c.get('/api/v1/tokens', bearer)).text_);
  const id = list.tokens.find((t) => t.prefix === prefix).id;
  const admin = { authorization: `Bearer ${await tokenFor(server, 'ada', 'administrator')}` };
  assert.equal((await c.request('DELETE', `/api/v1/tokens/${id}`, { headers: admin })).status, 404,
    "nobody revokes another user's token");
  assert.equal((await c.request('DELETE', `/api/v1/tokens/${id}`, { headers: bearer })).status, 204);
  const revoked = await c.get('/api/v1/me', bearer);
  assert.equal(revoked.status, 401);
  assert.match(revoked.headers.get('www-authenticate'), /^Bearer error="invalid_token"/);
  assert.match(JSON.parse(revoked.text_).detail, /revoked/);

  for (const authorization of ['Basic cGV0ZTpwdw==', 'bearer', token]) {
    const bad = await c.get('/api/v1/me', { authorization });
    assert.equal(bad.status, 401, authorization);
    assert.match(bad.headers.get('www-authenticate'), /^Bearer/);
  }
  const none = await c.get('/api/v1/me');
  assert.equal(none.status, 401);
  assert.equal(none.headers.get('www-authenticate'), 'Bearer');
});

test('passwords are stored as argon2id hashes', () => {
  const rows = sql(server.db, 'select username, password_hash from users');
  assert.ok(rows.length >= 5);
  for (const r of rows) assert.match(r, /^[^|]+\|\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$/);
  assert.ok(!rows.some((r) => r.includes(server.adminPassword)));
});

function httpsGet(url) {
  return new Promise((resolve, reject) => {
    https.get(url, { rejectUnauthorized: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res));
    }).on('error', reject);
  });
}

test('HTTPS serving sends HSTS and Secure cookies; plain HTTP does not send HSTS',
  { skip: !existsSync('/usr/bin/openssl') && 'openssl not installed' }, async () => {
    const plain = await fetch(`${server.url}/health`);
    assert.equal(plain.headers.get('strict-transport-security'), null);

    const s = new Server();
    const cert = path.join(s.dir, 'cert.pem'), key = path.join(s.dir, 'key.pem');
    const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1',
      '-subj', '/CN=127.0.0.1', '-keyout', key, '-out', cert], { encoding: 'utf8' });
    assert.equal(made.status, 0, made.stderr);
    s.opts.args = ['--tls-cert', cert, '--tls-key', key];
    await s.start();
    try {
      const base = `https://127.0.0.1:${s.port}`;
      const health = await httpsGet(`${base}/health`);
      assert.equal(health.statusCode, 200);
      assert.match(health.headers['strict-transport-security'], /max-age=\d{7,}/);
      const form = await httpsGet(`${base}/sign-in`);
      assert.match(form.headers['set-cookie'].find((c) => c.startsWith('cw_pre=')), /; Secure/);
    } finally {
      await s.stop();
    }
  });
