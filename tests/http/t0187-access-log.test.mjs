// Who has seen a record, and what a user looked at: every view and change of a
// person (by API and page), with the user, time, reason and whether it was an
// override; the CSV export carries the same rows; both lists are audited
// themselves; only administrators and auditors may read them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { Server, tokenFor } from './lib.mjs';

let server, pat, sam, ivy;
const sql = (q) => spawnSync('sqlite3', [server.db, q], { encoding: 'utf8' }).stdout.trim();
before(async () => {
  server = await new Server().start();
  const api = (t) => (m, p, b) => server.api(t, m, p, b);
  pat = api(await tokenFor(server, 'pat', 'practitioner'));
  sam = api(await tokenFor(server, 'sam', 'practitioner'));
  ivy = api(await tokenFor(server, 'ivy', 'auditor'));
});
after(async () => { await server.stop(); });

test('who has seen a record: views, changes, overrides, reasons; JSON, page and CSV', async () => {
  const p = (await pat('POST', '/api/v1/people', { forenames: 'Lena', surname: 'Orchard', confirm_new: true })).body_.id;
  assert.equal((await pat('GET', `/api/v1/people/${p}`)).status, 200);
  assert.equal((await sam('GET', `/api/v1/people/${p}`)).status, 403);
  const bg = await sam('POST', `/api/v1/people/${p}/break-glass`, { reason: 'safeguarding', detail: 'Police said "urgent", 02:10.' });
  assert.equal(bg.status, 201, JSON.stringify(bg.body_));
  assert.equal((await sam('GET', `/api/v1/people/${p}`)).status, 200);
  assert.equal((await sam('GET', `/api/v1/people/${p}/notes`)).status, 200);

  // Practitioners cannot read the log.
  assert.equal((await pat('GET', `/api/v1/people/${p}/seen-by`)).status, 403);
  const before = Number(sql(`select count(*) from audit where action = 'access-log.person' and record_id = '${p}'`));
  const res = await ivy('GET', `/api/v1/people/${p}/seen-by`);
  assert.equal(res.status, 200);
  const rows = res.body_.items.map((i) => `${i.actor} ${i.action} ${i.override ? 'override' : '-'}`);
  assert.deepEqual(rows, [
    'ivy access-log.person -', // newest first, and the look itself is listed
    'sam person.notes-view override',
    'sam person.view override',
    'sam person.override override',
    'pat person.view -',
    'pat person.view -', // the record read back after creating it
    'pat person.create -',
  ]);
  assert.equal(res.body_.items[3].reason, 'safeguarding: Police said "urgent", 02:10.');
  assert.ok(res.body_.items.every((i) => /^\d{4}-\d\d-\d\dT/.test(i.at)));
  assert.equal(Number(sql(`select count(*) from audit where action = 'access-log.person' and record_id = '${p}'`)), before + 1);
  assert.equal((await ivy('GET', '/api/v1/people/999999/seen-by')).status, 404);

  // The page and its CSV, as the auditor signed in.
  const c = server.client();
  assert.equal((await c.signIn('ivy', server.passwords.ivy)).status, 303);
  const page = await c.get(`/people/${p}/seen-by`);
  assert.equal(page.status, 200);
  assert.equal((page.text_.match(/data-testid="access-row"/g) || []).length, 8);
  assert.equal((page.text_.match(/govuk-tag--red">Override/g) || []).length, 3);
  const samId = sql("select id from users where username = 'sam'");
  assert.match(page.text_, new RegExp(`href="/users/${samId}/activity">sam<`));
  const csv = await c.get(`/people/${p}/seen-by?format=csv`);
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type'), /^text\/csv/);
  assert.match(csv.headers.get('content-disposition'), new RegExp(`attachment; filename="person-${p}-access.csv"`));
  const lines = csv.text_.trim().split('\r\n');
  assert.equal(lines[0], '"when","user","action","reason","override","detail"');
  assert.equal(lines.length, 1 + 9); // header, the 7 above, the page view, this download
  assert.ok(lines.includes(lines.find((l) => l.includes('"sam","person.override","safeguarding: Police said ""urgent"", 02:10.","yes"'))));
  assert.ok(lines.some((l) => /"pat","person.view","","no"/.test(l)));
});

test('what a user looked at: every record they touched, overrides marked, itself audited', async () => {
  const samId = Number(sql("select id from users where username = 'sam'"));
  const res = await ivy('GET', `/api/v1/users/${samId}/activity`);
  assert.equal(res.status, 200);
  const rows = res.body_.items.map((i) => `${i.action} ${i.record_type} ${i.override ? 'override' : '-'}`);
  assert.deepEqual(rows.filter((r) => r.startsWith('person.')), [
    'person.notes-view person override', 'person.view person override', 'person.override person override',
  ]);
  assert.equal(sql(`select count(*) from audit where action = 'access-log.user' and record_id = '${samId}'`), '1');
  assert.equal((await sam('GET', `/api/v1/users/${samId}/activity`)).status, 403);
  assert.equal((await ivy('GET', '/api/v1/users/999999/activity')).status, 404);
  const c = server.client();
  assert.equal((await c.signIn('ivy', server.passwords.ivy)).status, 303);
  const csv = await c.get(`/users/${samId}/activity?format=csv`);
  assert.equal(csv.text_.split('\r\n')[0], '"when","record_type","record_id","action","reason","override","detail"');
});
