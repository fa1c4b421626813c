// The subject access page: record a request (received date, the one-month due
// date shown), list requests, and download each one's JSON and PDF (audited
// exports, attachments). Only administrators and information governance.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { Server, tokenFor, csrfFrom } from './lib.mjs';

let server, pat;
before(async () => {
  server = await new Server().start();
  const patTok = await tokenFor(server, 'pat', 'practitioner');
  pat = (m, p, b) => server.api(patTok, m, p, b);
  await tokenFor(server, 'ivy', 'auditor');
});
after(async () => { await server.stop(); });

async function signedIn(name) {
  const c = server.client();
  assert.equal((await c.signIn(name, server.passwords[name])).status, 303);
  return c;
}

test('record a request on the page, see its due date, download JSON and PDF', async () => {
  const p = await pat('POST', '/api/v1/people', { forenames: 'Una', surname: 'Larch', dob: '2014-01-02', confirm_new: true });
  assert.equal(p.status, 201);
  const person = p.body_.id;
  assert.equal((await pat('POST', `/api/v1/people/${person}/notes`, { type: 'home_visit', occurred_on: '2026-02-01', text: 'Una showed me her drawings.' })).status, 201);

  // A practitioner has no such page.
  const pc = await signedIn('pat');
  assert.equal((await pc.get('/subject-access')).status, 403);

  const c = await signedIn('ivy');
  let page = await c.get('/subject-access');
  assert.equal(page.status, 200);
  assert.match(page.text_, /data-testid="no-requests"/);
  assert.match(page.text_, /href="\/subject-access"/); // in the menu

  // The person is found with the people search, not by typing a record number:
  // by name, by date of birth, by record number (the person page's link).
  assert.match(page.text_, /data-testid="search-first"/);
  for (const q of ['una larch', '2014-01-02', '#' + person]) {
    const found = await c.get(`/subject-access?q=${encodeURIComponent(q)}`);
    assert.equal(found.status, 200);
    const radios = [...found.text_.matchAll(/name="person_id" type="radio" value="(\d+)"/g)].map((m) => Number(m[1]));
    assert.deepEqual(radios, [person], q);
    assert.match(found.text_, /Una Larch, born/);
  }
  const none = await c.get('/subject-access?q=Zebedee+Nobody');
  assert.match(none.text_, /data-testid="no-results"/);
  const personPage = await c.get(`/people/${person}`);
  assert.ok(personPage.text_.includes(`href="/subject-access?q=%23${person}#record"`), 'a link from the person page');
  // The search is kept when a refusal comes back.
  const kept = await c.postForm('/subject-access', {
    csrf_token: csrfFrom(page.text_), q: 'una larch', person_id: String(person), requester: '',
  });
  assert.equal(kept.status, 422);
  assert.match(kept.text_, new RegExp(`value="${person}" checked`));

  // Refusals come back on the page with the field named.
  for (const [fields, field] of [[{ person_id: 'x', requester: 'Una' }, 'person_id'],
    [{ person_id: '999999', requester: 'Una' }, 'person_id'], [{ person_id: String(person), requester: '' }, 'requester']]) {
    const res = await c.postForm('/subject-access', {
      csrf_token: csrfFrom(page.text_), 'received_on-day': '31', 'received_on-month': '1', 'received_on-year': '2026', ...fields,
    });
    assert.equal(res.status, 422, res.text_);
    assert.match(res.text_, new RegExp(`href="#${field}`), res.text_);
  }
  const bad = await c.postForm('/subject-access', {
    csrf_token: csrfFrom(page.text_), person_id: String(person), requester: 'Una', 'received_on-day': '1', 'received_on-month': '1', 'received_on-year': '2999',
  });
  assert.equal(bad.status, 422);

  const res = await c.postForm('/subject-access', {
    csrf_token: csrfFrom(page.text_), person_id: String(person), requester: 'Una Larch, by her aunt',
    'received_on-day': '31', 'received_on-month': '1', 'received_on-year': '2026',
  });
  assert.equal(res.status, 303, res.text_);
  assert.equal(res.headers.get('location'), '/subject-access');
  page = await c.get('/subject-access');
  const row = page.text_.match(/<tr[^>]*data-testid="request" data-id="(\d+)">.*?<\/tr>/s);
  assert.ok(row, page.text_);
  const id = row[1];
  assert.match(row[0], /Una Larch/);
  assert.match(row[0], /Una Larch, by her aunt/);
  assert.match(row[0], /data-testid="due">28 February 2026</);
  assert.match(row[0], /Not yet/);

  const json = await c.get(`/subject-access/${id}/json`);
  assert.equal(json.status, 200);
  assert.match(json.headers.get('content-disposition'), new RegExp(`attachment; filename="subject-access-${id}\\.json"`));
  const doc = JSON.parse(json.text_);
  assert.equal(doc.request.due_on, '2026-02-28');
  assert.deepEqual(doc.notes.map((n) => n.text), ['Una showed me her drawings.']);

  const pdf = await fetch(server.url + `/subject-access/${id}/pdf`, { headers: { cookie: c.cookieHeader() } });
  assert.equal(pdf.status, 200);
  assert.equal(pdf.headers.get('content-type'), 'application/pdf');
  assert.match(pdf.headers.get('content-disposition'), /attachment/);
  assert.equal(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString(), '%PDF-');

  // Both downloads were audited exports; the list shows when it was exported.
  const n = spawnSync('sqlite3', [server.db, `select count(*) from audit where action = 'sar.export' and record_id = '${person}'`], { encoding: 'utf8' });
  assert.equal(n.stdout.trim(), '2');
  page = await c.get('/subject-access');
  assert.doesNotMatch(page.text_.match(/<tr[^>]*data-testid="request".*?<\/tr>/s)[0], /Not yet/);
  assert.equal((await pc.get(`/subject-access/${id}/pdf`)).status, 403);
});
