// The audit log: who, when, what and from where for sign-in, failed sign-in,
// user and team changes, views, tokens and sign-out, each tied to the request
// (X-Request-Id); the table refuses UPDATE and DELETE; `casework audit verify`,
// the API and the admin page detect an edited row, a deleted middle row and a
// truncated tail; only administrators and auditors read it, and reading it is
// itself audited.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { Server, cli, tokenFor } from './lib.mjs';

function sql(db, query) {
  const r = spawnSync('sqlite3', [db, query], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

// The audit rows a request caused, as objects.
function rowsFor(db, requestId) {
  const out = spawnSync('sqlite3', ['-json', db,
    `select id, at, actor_id, actor, action, record_type, record_id, detail, ip, request_id
     from audit where request_id = '${requestId}' order by id`], { encoding: 'utf8' });
  assert.equal(out.status, 0, out.stderr);
  return out.stdout.trim() ? JSON.parse(out.stdout) : [];
}

// Exactly one row with this action for the request; its who/when/where checked.
function assertAudited(db, res, action, { actor, recordType = null, recordId = null } = {}) {
  const id = res.headers.get('x-request-id');
  assert.match(id, /^[0-9a-f]{32}$/);
  const rows = rowsFor(db, id).filter((r) => r.action === action);
  assert.equal(rows.length, 1, `one ${action} row for request ${id}: ${JSON.stringify(rowsFor(db, id))}`);
  const row = rows[0];
  assert.equal(row.actor, actor);
  assert.equal(row.record_type, recordType);
  assert.equal(row.record_id, recordId === null ? null : String(recordId));
  assert.equal(row.ip, '127.0.0.1');
  assert.ok(Math.abs(row.at - Date.now() / 1000) < 60, `at ${row.at} is now`);
  return row;
}

const userId = (db, name) => Number(sql(db, `select id from users where username = '${name}'`));

let server;
let adminToken;
before(async () => {
  server = await new Server().start();
  adminToken = await tokenFor(server, 'ada', 'administrator');
});
after(async () => { await server.stop(); });

function api(method, p, token, body) {
  return fetch(server.url + p, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
}

test('sign-in, failed sign-in, user, team and token changes, views and sign-out are audited', async () => {
  const db = server.db;
  const c = server.client();
  const failed = await c.signIn('admin', 'not-the-password');
  assert.equal(failed.status, 401);
  assertAudited(db, failed, 'login-failed', { actor: 'admin', recordType: 'user', recordId: 1 });
  const unknown = await c.signIn('nobody-here', 'whatever-password');
  const row = assertAudited(db, unknown, 'login-failed', { actor: 'nobody-here' });
  assert.equal(row.actor_id, null);
  assert.match(row.detail, /unknown username/);

  const login = await c.signIn('admin', server.adminPassword);
  assert.equal(login.status, 303);
  assertAudited(db, login, 'login', { actor: 'admin', recordType: 'user', recordId: 1 });

  const created = await api('POST', '/api/v1/users', adminToken, {
    username: 'bob', display_name: 'Bob Example', role: 'practitioner', password: 'a-long-enough-password',
  });
  assert.equal(created.status, 201);
  const bob = (await created.json()).id;
  const create = assertAudited(db, created, 'user.create', { actor: 'ada', recordType: 'user', recordId: bob });
  assert.equal(create.actor_id, userId(db, 'ada'));
  assert.match(create.detail, /username=bob/);
  assert.doesNotMatch(create.detail, /a-long-enough-password/);

  const viewed = await api('GET', `/api/v1/users/${bob}`, adminToken);
  assert.equal(viewed.status, 200);
  assertAudited(db, viewed, 'user.view', { actor: 'ada', recordType: 'user', recordId: bob });

  const team = await api('POST', '/api/v1/teams', adminToken, { name: 'North MASH' });
  assert.equal(team.status, 201);
  const t = assertAudited(db, team, 'team.create', { actor: 'ada', recordType: 'team', recordId: (await team.json()).id });
  assert.equal(t.detail, 'North MASH');

  const me = JSON.parse((await c.get('/api/v1/me')).text_);
  const tok = await c.json('POST', '/api/v1/tokens', { name: 'sync job' }, { 'x-csrf-token': me.csrf_token });
  assert.equal(tok.status, 201);
  const tokRow = assertAudited(db, tok, 'token.create', { actor: 'admin', recordType: 'api_token', recordId: JSON.parse(tok.text_).id });
  assert.equal(tokRow.detail, 'sync job');
  assert.doesNotMatch(sql(db, 'select group_concat(detail) from audit'), new RegExp(JSON.parse(tok.text_).token));

  const out = await c.postForm('/sign-out', { csrf_token: await c.csrf() });
  assert.equal(out.status, 303);
  assertAudited(db, out, 'logout', { actor: 'admin', recordType: 'user', recordId: 1 });
});

test('the chain verifies: the CLI says intact with the row count, and so does the API', async () => {
  const rows = Number(sql(server.db, 'select count(*) from audit'));
  const r = server.cli(['audit', 'verify']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`intact: ${rows} rows verified`));
  const res = await api('GET', '/api/v1/audit/verify', adminToken);
  assert.equal(res.status, 200);
  const v = await res.json();
  assert.equal(v.intact, true);
  assert.equal(v.rows, rows + 1); // the CLI's own audit.verify row
  assert.equal(v.broken_id, undefined);
  assertAudited(server.db, res, 'audit.verify', { actor: 'ada' });
});

test('the audit table refuses UPDATE and DELETE', () => {
  const before = sql(server.db, 'select actor, detail, hash from audit where id = 1');
  for (const q of ["update audit set actor = 'x' where id = 1", 'delete from audit where id = 1',
    'delete from audit']) {
    const r = spawnSync('sqlite3', [server.db, q], { encoding: 'utf8' });
    assert.notEqual(r.status, 0, `${q} must fail`);
    assert.match(r.stderr, /append-only/);
  }
  assert.equal(sql(server.db, 'select actor, detail, hash from audit where id = 1'), before);
});

test('auditors and administrators read the log, practitioners cannot, and reading is audited', async () => {
  const auditor = await tokenFor(server, 'ivy', 'auditor');
  const practitioner = await tokenFor(server, 'pat', 'practitioner');
  const res = await api('GET', '/api/v1/audit?limit=500', auditor);
  assert.equal(res.status, 200);
  const { entries } = await res.json();
  assert.ok(entries.some((e) => e.action === 'user.create' && e.actor === 'ada'));
  assert.ok(entries.every((e, i) => i === 0 || e.id < entries[i - 1].id), 'newest first');
  const view = assertAudited(server.db, res, 'audit.view', { actor: 'ivy' });
  assert.equal(entries[0].id, view.id, 'the read sees its own audit row');
  assert.equal(entries[0].request_id, res.headers.get('x-request-id'));

  const bob = userId(server.db, 'bob');
  const filtered = await (await api('GET', `/api/v1/audit?record_type=user&record_id=${bob}`, auditor)).json();
  assert.deepEqual([...new Set(filtered.entries.map((e) => e.record_id))], [String(bob)]);
  assert.equal((await api('GET', '/api/v1/audit?limit=0', auditor)).status, 400);

  const auditCount = sql(server.db, 'select count(*) from audit');
  for (const p of ['/api/v1/audit', '/api/v1/audit/verify']) {
    const denied = await api('GET', p, practitioner);
    assert.equal(denied.status, 403);
    assert.equal(denied.headers.get('content-type'), 'application/problem+json');
  }
  assert.equal(sql(server.db, 'select count(*) from audit'), auditCount, 'a refused read writes nothing');
  assert.equal((await api('GET', '/api/v1/audit', adminToken)).status, 200);
});

// Copy the (stopped) database, drop the triggers and run the tampering SQL.
function tampered(dir, name, tamper) {
  const db = path.join(dir, name);
  copyFileSync(server.db, db);
  for (const ext of ['-wal', '-shm']) if (existsSync(server.db + ext)) copyFileSync(server.db + ext, db + ext);
  sql(db, `drop trigger audit_no_update; drop trigger audit_no_delete; ${tamper}`);
  return db;
}

test('tampering is detected: edited row, deleted middle row, truncated tail', async () => {
  const page = server.client();
  assert.equal((await page.signIn('admin', server.adminPassword)).status, 303);
  const ok = await page.get('/admin/audit?verify=1');
  assert.match(ok.text_, /data-testid="audit-ok"/);
  assert.doesNotMatch(ok.text_, /audit-broken/);

  await server.stop({ keep: true });
  const last = Number(sql(server.db, 'select max(id) from audit'));
  assert.ok(last > 10);
  const { dir } = server;

  const edited = tampered(dir, 'edited.db', "update audit set detail = 'nothing happened' where id = 3");
  let r = cli(edited, ['audit', 'verify']);
  assert.equal(r.status, 3, r.stdout + r.stderr);
  assert.match(r.stdout, /BROKEN at row 3: row 3 was changed after it was written/);

  const gap = tampered(dir, 'gap.db', 'delete from audit where id = 5');
  r = cli(gap, ['audit', 'verify']);
  assert.equal(r.status, 3, r.stdout + r.stderr);
  assert.match(r.stdout, /BROKEN at row 6: row 6 follows row 4: rows between them were deleted/);

  const tail = tampered(dir, 'tail.db', `delete from audit where id > ${last - 2}`);
  r = cli(tail, ['audit', 'verify']);
  assert.equal(r.status, 3, r.stdout + r.stderr);
  assert.match(r.stdout, new RegExp(`ends at row ${last - 2} but its head records row ${last}: newest rows removed`));

  // The server on the edited database: the page and the API both say so.
  copyFileSync(edited, server.db);
  for (const ext of ['-wal', '-shm']) if (existsSync(edited + ext)) copyFileSync(edited + ext, server.db + ext);
  server = await new Server({ dir }).start();
  const v = await (await api('GET', '/api/v1/audit/verify', adminToken)).json();
  assert.equal(v.intact, false);
  assert.equal(v.broken_id, 3);
  assert.match(v.problem, /row 3 was changed/);
  const auditorPage = server.client();
  const pw = server.addUser('vera', 'auditor');
  assert.equal((await auditorPage.signIn('vera', pw)).status, 303);
  const broken = await auditorPage.get('/admin/audit?verify=1');
  assert.equal(broken.status, 200);
  assert.match(broken.text_, /data-testid="audit-broken"[\s\S]*row 3 was changed after it was written/);
});
