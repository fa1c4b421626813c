// Bad input: oversize bodies (Content-Length and chunked), oversize headers,
// slow bodies, malformed HTTP, bad JSON, unknown fields, wrong types, invalid
// UTF-8 in forms, missing or stale CSRF tokens and expired sessions. Each is
// refused with a specific 4xx naming the problem, and nothing is written
// (checked in the database with the sqlite3 command).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import net from 'node:net';
import { Server, csrfFrom, tokenFor } from './lib.mjs';

const LIMIT = 2048;

function sql(db, query) {
  const r = spawnSync('sqlite3', [db, query], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}
const teamCount = (s) => Number(sql(s.db, 'select count(*) from teams'));

// Send raw bytes, optionally more later ([delayMs, data] pairs), and collect
// what comes back until the server closes or `wait` ms pass.
function raw(port, data, { later = [], wait = 4000 } = {}) {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    const started = Date.now();
    let text = '';
    let error = null;
    let closedAt = null;
    let timer;
    sock.on('data', (d) => { text += d.toString('latin1'); });
    sock.on('error', (e) => { error = e.code; });
    sock.on('close', () => {
      closedAt = Date.now() - started;
      clearTimeout(timer);
      resolve({ text, error, closedAt, status: Number(text.match(/^HTTP\/1\.1 (\d{3})/)?.[1] || 0) });
    });
    sock.on('connect', async () => {
      sock.write(data);
      for (const [ms, more] of later) {
        await new Promise((r) => setTimeout(r, ms));
        if (sock.destroyed) break;
        sock.write(more);
      }
    });
    timer = setTimeout(() => sock.destroy(), wait);
  });
}

function problemOf(rawText) {
  return JSON.parse(rawText.slice(rawText.indexOf('\r\n\r\n') + 4));
}

let server;
let token;
let admin; // a signed-in administrator's browser
before(async () => {
  server = await new Server({ args: ['--max-body-bytes', String(LIMIT)] }).start();
  token = await tokenFor(server, 'ada', 'administrator');
  admin = server.client();
  assert.equal((await admin.signIn('admin', server.adminPassword)).status, 303);
});
after(async () => { await server.stop(); });

// An API call with the bearer token, unless headers.authorization is null.
function api(method, p, body, headers = {}) {
  const all = { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers };
  for (const k of Object.keys(all)) if (all[k] === null) delete all[k];
  return fetch(server.url + p, { method, body, headers: all });
}

async function assertProblem(res, status, { detail, field } = {}) {
  assert.equal(res.status, status);
  assert.equal(res.headers.get('content-type'), 'application/problem+json');
  const p = await res.json();
  assert.equal(p.status, status);
  assert.ok(p.request_id);
  if (detail) assert.match(p.detail, detail);
  if (field !== undefined) assert.equal(p.field, field);
  return p;
}

test('a body over max_body_bytes with Content-Length is refused with 413 before it is read', async () => {
  const res = await api('POST', '/api/v1/teams', JSON.stringify({ name: 'x'.repeat(LIMIT) }));
  await assertProblem(res, 413, { detail: new RegExp(`limit of ${LIMIT} bytes`) });
  // Headers alone: the 413 arrives although not one byte of the body was sent.
  const r = await raw(server.port, 'POST /api/v1/teams HTTP/1.1\r\nHost: t\r\n'
    + `Authorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n`);
  assert.equal(r.status, 413);
  assert.match(problemOf(r.text).detail, new RegExp(`limit of ${LIMIT} bytes`));
  assert.equal(teamCount(server), 0);
});

test('a chunked body over max_body_bytes is refused with 413, not a dropped connection', async () => {
  const chunk = `400\r\n${'a'.repeat(0x400)}\r\n`;
  const r = await raw(server.port, 'POST /api/v1/teams HTTP/1.1\r\nHost: t\r\nConnection: close\r\n'
    + `Authorization: Bearer ${token}\r\nContent-Type: application/json\r\n`
    + `Transfer-Encoding: chunked\r\n\r\n${chunk.repeat(4)}0\r\n\r\n`);
  assert.equal(r.status, 413, `got: ${JSON.stringify(r)}`);
  const p = problemOf(r.text);
  assert.equal(p.type, '/problems/too-large');
  assert.match(p.detail, new RegExp(`limit of ${LIMIT} bytes`));
  assert.equal(teamCount(server), 0);
});

test('headers over max_header_bytes are answered 431 by MHD, not reset', async () => {
  const r = await raw(server.port, `GET /health HTTP/1.1\r\nHost: t\r\nCookie: big=${'x'.repeat(40 * 1024)}\r\n\r\n`);
  assert.equal(r.error, null, 'connection not reset');
  assert.equal(r.status, 431);
  assert.match(r.text, /Connection: close/i);
});

test('malformed HTTP is refused with 400', async () => {
  const cases = [
    'GARBAGE GARBAGE\r\n\r\n', // request line without a version
    'GET / HTTP/1.1 extra\r\nHost: t\r\n\r\n', // too many parts
    'GET /health HTTP/1.1\r\nHost: t\r\nthis line has no colon\r\n\r\n', // bad header line
    'GET /api/v1/health HTTP/1.1\r\n\r\n', // HTTP/1.1 without Host (RFC 9112 3.2)
  ];
  for (const c of cases) {
    const r = await raw(server.port, c);
    assert.equal(r.status, 400, `${JSON.stringify(c)} -> ${r.text.slice(0, 200)}`);
  }
  const noHost = await raw(server.port, 'GET /api/v1/health HTTP/1.1\r\n\r\n');
  assert.match(problemOf(noHost.text).detail, /Host header/);
  // A one-word request line: MHD 0.9.75 closes without any reply. Assert at
  // least that nothing is served for it.
  const oneWord = await raw(server.port, 'GARBAGE\r\n\r\n');
  assert.equal(oneWord.text, '');
  assert.ok(oneWord.closedAt < 3000, 'closed at once');
});

test('a body slower than request_timeout_seconds is cut off, and nothing is written', async () => {
  const slow = await new Server({ args: ['--request-timeout-seconds', '2'] }).start();
  try {
    const tok = await tokenFor(slow, 'sam', 'administrator');
    const body = JSON.stringify({ name: 'Slow team' }).padEnd(100, ' ');
    const head = 'POST /api/v1/teams HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n'
      + `Authorization: Bearer ${tok}\r\nContent-Length: ${body.length}\r\n\r\n`;
    const later = [...body].map((ch) => [600, ch]); // 100 bytes over a minute
    const r = await raw(slow.port, head, { later, wait: 10000 });
    // MHD 0.9.75 cannot queue a reply mid-body, so a body still dribbling at
    // twice the limit is cut off unanswered.
    assert.ok(r.closedAt !== null && r.closedAt >= 3900 && r.closedAt < 6000, `closed at ${r.closedAt} ms`);
    assert.equal(r.status, 0, `no reply: ${r.text.slice(0, 100)}`);
    assert.equal(teamCount(slow), 0);
    // A body that does arrive, but after the limit, is answered 408 and not acted on.
    const short = JSON.stringify({ name: 'Late team' });
    const head2 = head.replace(`Content-Length: ${body.length}`, `Content-Length: ${short.length}`);
    // (It must keep trickling: an idle gap over the limit closes the connection.)
    const late = await raw(slow.port, head2, { later: [...short].map((ch) => [120, ch]), wait: 8000 });
    assert.equal(late.status, 408, late.text.slice(0, 200));
    assert.match(problemOf(late.text).detail, /longer than 2 seconds/);
    assert.equal(teamCount(slow), 0);
  } finally {
    await slow.stop();
  }
});

test('bad JSON bodies on the API get a 400 or 422 naming the problem, and write nothing', async () => {
  let p = await assertProblem(await api('POST', '/api/v1/teams', '{"name": "A",\n  '), 400,
    { detail: /not valid JSON \(line 2, column \d+\)/ });
  assert.equal(p.title, 'Malformed JSON');
  await assertProblem(await api('POST', '/api/v1/teams', '["name"]'), 400, { detail: /must be a JSON object/ });
  await assertProblem(await api('POST', '/api/v1/teams', '{"name":"A","name":"B"}'), 400, { detail: /duplicate/i });
  await assertProblem(await api('POST', '/api/v1/teams', '{"name":"A\\u0000B"}'), 400, { detail: /\\u0000/ });
  await assertProblem(await api('POST', '/api/v1/teams', Buffer.from('{"name":"\xff\xfe"}', 'latin1')), 400,
    { detail: /decode byte 0xff/ });
  await assertProblem(await api('POST', '/api/v1/teams', '{"name":"A"}', { 'content-type': 'text/plain' }), 415,
    { detail: /application\/json/ });
  await assertProblem(await api('POST', '/api/v1/teams', '{"name":"A"}', { 'content-type': 'application/x-www-form-urlencoded' }), 415);

  await assertProblem(await api('POST', '/api/v1/teams', '{"name":"A","colour":"red"}'), 422,
    { field: 'colour', detail: /Unknown field 'colour'/ });
  await assertProblem(await api('POST', '/api/v1/teams', '{"name":5}'), 422,
    { field: 'name', detail: /must be a string/ });
  await assertProblem(await api('POST', '/api/v1/teams', '{}'), 422, { field: 'name', detail: /required/ });
  await assertProblem(await api('POST', '/api/v1/teams', '{"name":null}'), 422, { field: 'name', detail: /required|must be a string/ });
  await assertProblem(await api('POST', '/api/v1/teams', JSON.stringify({ name: 'n'.repeat(101) })), 422,
    { field: 'name', detail: /100 bytes or fewer/ });
  await assertProblem(await api('POST', '/api/v1/teams', JSON.stringify({ name: 'tab\there' })), 422,
    { field: 'name', detail: /control characters/ });
  await assertProblem(await api('POST', '/api/v1/teams', ''), 400, { detail: /JSON/ });

  assert.equal(teamCount(server), 0);
  assert.equal(sql(server.db, "select count(*) from audit where action = 'team.create'"), '0');
});

// POST /admin/teams as the signed-in administrator with a hand-made body.
async function postTeamForm(c, body) {
  return c.request('POST', '/admin/teams', {
    headers: { 'content-type': 'application/x-www-form-urlencoded' }, body,
  });
}

test('invalid UTF-8 in a form field is a 400 naming the field; valid non-ASCII is kept', async () => {
  const csrf = csrfFrom((await admin.get('/admin/teams')).text_);
  const bad = await postTeamForm(admin, `csrf_token=${csrf}&name=Team%FF%FE`);
  assert.equal(bad.status, 400);
  assert.match(bad.text_, /Field (&#39;|&#x27;|')name(&#39;|&#x27;|') is not valid UTF-8/);
  assert.equal(teamCount(server), 0);

  const ok = await admin.postForm('/admin/teams', { csrf_token: csrf, name: 'Équipe Zoë' });
  assert.equal(ok.status, 303);
  assert.equal(ok.headers.get('location'), '/admin/teams');
  assert.equal(sql(server.db, 'select name from teams'), 'Équipe Zoë');
  assert.match((await admin.get('/admin/teams')).text_, /<td class="govuk-table__cell">Équipe Zoë<\/td>/);
});

test('a team name with markup is shown escaped, never raw', async () => {
  const csrf = csrfFrom((await admin.get('/admin/teams')).text_);
  const name = '<script>alert(1)</script> & "quotes"';
  assert.equal((await admin.postForm('/admin/teams', { csrf_token: csrf, name })).status, 303);
  const page = (await admin.get('/admin/teams')).text_;
  assert.match(page, /&lt;script&gt;alert\(1\)&lt;\/script&gt; &amp; (&quot;|&#34;)quotes(&quot;|&#34;)/);
  assert.doesNotMatch(page, /<script>alert/);
  // The API returns it as data, exactly.
  const list = await (await api('GET', '/api/v1/teams', undefined, { 'content-type': null })).json();
  assert.ok(list.teams.some((t) => t.name === name));
});

test('a missing or stale CSRF token is a 403 naming it, and writes nothing', async () => {
  const before = teamCount(server);
  const missing = await admin.postForm('/admin/teams', { name: 'No token' });
  assert.equal(missing.status, 403);
  assert.match(missing.text_, /no security token/);
  const stale = await admin.postForm('/admin/teams', { csrf_token: 'f'.repeat(64), name: 'Old token' });
  assert.equal(stale.status, 403);
  assert.match(stale.text_, /does not match/);
  // The API with the session cookie needs X-CSRF-Token.
  const cookie = { cookie: admin.cookieHeader(), authorization: null };
  await assertProblem(await api('POST', '/api/v1/teams', '{"name":"Via API"}', cookie), 403,
    { field: 'csrf_token', detail: /X-CSRF-Token/ });
  await assertProblem(await api('POST', '/api/v1/teams', '{"name":"Via API"}', { ...cookie, 'x-csrf-token': 'nope' }),
    403, { field: 'csrf_token', detail: /does not match/ });
  assert.equal(teamCount(server), before);
});

test('an expired session cannot write: sent to sign in, nothing changes', async () => {
  const csrf = csrfFrom((await admin.get('/admin/teams')).text_);
  const before = teamCount(server);
  await server.stop({ keep: true });
  // 31 minutes later: past the 30-minute idle timeout.
  server = await new Server({ dir: server.dir, args: ['--max-body-bytes', String(LIMIT)],
    env: { CASEWORK_CLOCK_OFFSET_SECONDS: String(31 * 60) } }).start();
  admin.base = server.url;
  const res = await admin.postForm('/admin/teams', { csrf_token: csrf, name: 'Too late' });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/sign-in?expired=1');
  assert.equal(teamCount(server), before);
  assert.equal(sql(server.db, "select count(*) from audit where action = 'session-expired'"), '1');
});
