// The server answers: health, security headers, problem+json errors, assets.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, assertSecurityHeaders } from './lib.mjs';

let server;
before(async () => { server = await new Server().start(); });
after(async () => { await server.stop(); });

test('health reports ok with the schema version', async () => {
  for (const p of ['/health', '/api/v1/health']) {
    const res = await fetch(server.url + p);
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.equal(body.status, 'ok');
    assert.ok(body.schema >= 1);
    assertSecurityHeaders(res);
    assert.equal(res.headers.get('cache-control'), 'no-store');
  }
});

test('first start prints a demo administrator password that signs in', async () => {
  assert.match(server.adminPassword, /^[A-Za-z0-9]{20}$/);
  const c = server.client();
  const r = await c.signIn('admin', server.adminPassword);
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), '/');
  const home = await c.get('/');
  assert.equal(home.status, 200);
  assert.match(home.text_, /Welcome, Demo Administrator/);
});

test('unknown API path is a problem+json 404', async () => {
  const res = await fetch(server.url + '/api/v1/nothing-here');
  assert.equal(res.status, 404);
  assert.equal(res.headers.get('content-type'), 'application/problem+json');
  const p = await res.json();
  assert.equal(p.status, 404);
  assert.equal(p.type, '/problems/not-found');
  assert.equal(p.instance, '/api/v1/nothing-here');
  assert.ok(p.detail);
});

test('unknown page is an HTML 404 page', async () => {
  const res = await fetch(server.url + '/no-such-page');
  assert.equal(res.status, 404);
  assert.match(res.headers.get('content-type'), /text\/html/);
  assert.match(await res.text(), /Page not found/);
});

test('wrong method is 405 with Allow', async () => {
  const res = await fetch(server.url + '/api/v1/health', { method: 'DELETE' });
  assert.equal(res.status, 405);
  assert.equal(res.headers.get('allow'), 'GET');
});

test('assets are served from the binary with ETag and revalidate to 304', async () => {
  const res = await fetch(server.url + '/assets/govuk-frontend.min.css');
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /text\/css/);
  assert.match(res.headers.get('cache-control'), /max-age=/);
  const etag = res.headers.get('etag');
  assert.ok(etag);
  assert.ok((await res.text()).length > 10000);
  const again = await fetch(server.url + '/assets/govuk-frontend.min.css', { headers: { 'if-none-match': etag } });
  assert.equal(again.status, 304);
  const font = await fetch(server.url + '/assets/fonts/light-94a07e06a1-v2.woff2');
  assert.equal(font.status, 200);
  assert.equal(font.headers.get('content-type'), 'font/woff2');
  const missing = await fetch(server.url + '/assets/nope.css');
  assert.equal(missing.status, 404);
});
