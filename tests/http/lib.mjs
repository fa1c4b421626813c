// Shared helpers for HTTP-level tests: start a real casework server on a free
// loopback port with a fresh database, talk to it as a browser would (cookie
// jar, CSRF tokens from forms) or as an API client (bearer tokens), and stop
// it, checking that a sanitizer build reported nothing.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';

export const BIN = path.resolve(process.env.CASEWORK_BIN || 'build/casework');
const SANITIZED = !!process.env.CASEWORK_SANITIZED;

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

// Run the CLI against a database; returns { status, stdout, stderr }.
export function cli(db, args, input) {
  const r = spawnSync(BIN, [...args, '--database', db], { input, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export class Server {
  constructor(opts = {}) {
    this.opts = opts;
    this.dir = opts.dir || mkdtempSync(path.join(os.tmpdir(), 'casework-test-'));
    this.db = path.join(this.dir, 'casework.db');
    this.stdout = '';
    this.stderr = '';
  }

  async start() {
    this.port = await freePort();
    this.url = `http://127.0.0.1:${this.port}`;
    const args = ['serve', '--database', this.db, '--listen', `127.0.0.1:${this.port}`,
      '--threads', '4', ...(this.opts.args || [])];
    this.proc = spawn(BIN, args, { env: { ...process.env, ...(this.opts.env || {}) } });
    this.exited = new Promise((resolve) => this.proc.on('exit', (code, signal) => resolve({ code, signal })));
    this.proc.stderr.on('data', (d) => { this.stderr += d; });
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start:\n${this.stderr}`)), 20000);
      this.proc.stdout.on('data', (d) => {
        this.stdout += d;
        if (this.stdout.includes('listening on')) { clearTimeout(timer); resolve(); }
      });
      this.proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited ${code}:\n${this.stderr}`)); });
    });
    const m = this.stdout.match(/password: (\S+)/);
    if (m) this.adminPassword = m[1];
    return this;
  }

  // Stop with SIGTERM; a clean exit (and, under sanitizers, a clean report) is asserted.
  async stop({ keep = false } = {}) {
    this.proc.kill('SIGTERM');
    const { code } = await this.exited;
    this.checkSanitizers();
    assert.equal(code, 0, `server exit code ${code}\n${this.stderr.slice(-4000)}`);
    if (!keep) rmSync(this.dir, { recursive: true, force: true });
  }

  async kill9() {
    this.proc.kill('SIGKILL');
    await this.exited;
  }

  checkSanitizers() {
    if (!SANITIZED) return;
    assert.doesNotMatch(this.stderr, /AddressSanitizer|LeakSanitizer|runtime error:/,
      `sanitizer report:\n${this.stderr.slice(-6000)}`);
  }

  cli(args, input) { return cli(this.db, args, input); }

  // Create a user through the CLI with a known password.
  addUser(username, role, password = `Correct-Horse-${Math.random().toString(36).slice(2, 10)}`) {
    const r = this.cli(['user', 'add', username, '--role', role, '--name', `Test ${username}`,
      '--password-stdin'], `${password}\n`);
    assert.equal(r.status, 0, r.stderr);
    return password;
  }

  client() { return new Client(this.url); }

  // One JSON API call with a bearer token; res.body_ is the parsed body (null when empty).
  async api(token, method, p, body) {
    const res = await fetch(this.url + p, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    res.body_ = text ? JSON.parse(text) : null;
    return res;
  }
}

// A browser-like client: keeps cookies, never follows redirects by itself.
export class Client {
  constructor(base) {
    this.base = base;
    this.cookies = new Map();
  }

  cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  remember(res) {
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(';');
      const i = pair.indexOf('=');
      const name = pair.slice(0, i).trim();
      const value = pair.slice(i + 1).trim();
      if (attrs.some((a) => /max-age=0/i.test(a.trim())) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async request(method, p, { headers = {}, body } = {}) {
    const res = await fetch(this.base + p, {
      method, body, redirect: 'manual',
      headers: { ...(this.cookies.size ? { cookie: this.cookieHeader() } : {}), ...headers },
    });
    this.remember(res);
    res.text_ = await res.text();
    return res;
  }

  get(p, headers) { return this.request('GET', p, { headers }); }

  postForm(p, fields, headers = {}) {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(fields)) {
      for (const one of [].concat(v)) body.append(k, one);
    }
    return this.request('POST', p, {
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: body.toString(),
    });
  }

  json(method, p, value, headers = {}) {
    return this.request(method, p, {
      headers: { 'content-type': 'application/json', ...headers },
      body: value === undefined ? undefined : JSON.stringify(value),
    });
  }

  // Sign in through the real form; returns the response to the POST.
  async signIn(username, password) {
    const form = await this.get('/sign-in');
    assert.equal(form.status, 200);
    return this.postForm('/sign-in', { csrf_token: csrfFrom(form.text_), username, password, next: '/' });
  }

  // The session's CSRF token, read from a page that has forms.
  async csrf() {
    const res = await this.get('/account');
    return csrfFrom(res.text_);
  }
}

export function csrfFrom(html) {
  const m = html.match(/name="csrf_token" value="([^"]+)"/);
  assert.ok(m, 'page has a csrf_token field');
  return m[1];
}

// Every response carries these.
export function assertSecurityHeaders(res) {
  assert.match(res.headers.get('content-security-policy') || '', /frame-ancestors 'none'/);
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  assert.ok(res.headers.get('referrer-policy'));
  assert.ok(res.headers.get('x-request-id'));
}

// Sign in as a new user of the given role and create an API token for them.
export async function tokenFor(server, username, role) {
  const password = server.addUser(username, role);
  (server.passwords ||= {})[username] = password; // to sign in as them on pages too
  const c = server.client();
  const r = await c.signIn(username, password);
  assert.equal(r.status, 303, r.text_);
  const created = await c.postForm('/account/tokens', { csrf_token: await c.csrf(), name: 'tests' });
  assert.equal(created.status, 201, created.text_);
  const m = created.text_.match(/data-testid="new-token">([^<]+)</);
  assert.ok(m, 'token shown once');
  return m[1];
}

// The body of an API answer (Client.api), after checking its status.
export async function ok(res, status = 200) {
  assert.equal(res.status, status, `${res.status} ${JSON.stringify(res.body_)}`);
  return res.body_;
}

// Run q on the database db with the sqlite3 shell; its output, trimmed.
export function sqlite(db, q) {
  const r = spawnSync('sqlite3', [db, q], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}
