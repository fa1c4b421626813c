// Councillors' enquiries over HTTP: a councillor logs one with a document,
// a co-ordinator assigns a lead and a further officer, chases, the councillor
// asks for an update, officers respond and the lead replies; who sees what
// (another councillor and an unassigned officer get 404, never 403); the
// document comes back as an attachment with our content type; upload limits
// and a disguised executable are refused with nothing written; the dashboard's
// filters and the CSV export (formula cells neutralised); audit rows.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { Server, csrfFrom, assertSecurityHeaders } from './lib.mjs';

function sql(db, query) {
  const r = spawnSync('sqlite3', [db, query], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

let server;
const users = {};
before(async () => {
  server = await new Server().start();
  for (const [name, role] of [['cllr.ann', 'councillor'], ['cllr.bob', 'councillor'],
    ['cora.coord', 'enquiry_coordinator'], ['olly.officer', 'practitioner'],
    ['pat.manager', 'manager'], ['una.unassigned', 'practitioner']]) {
    const password = server.addUser(name, role);
    const c = server.client();
    assert.equal((await c.signIn(name, password)).status, 303);
    users[name] = { client: c, id: Number(sql(server.db, `select id from users where username = '${name}'`)) };
  }
  sql(server.db, "update users set email = 'ann@example.gov.uk' where username = 'cllr.ann'");
});
after(async () => { await server?.stop(); });

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n');
const ELF = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(120)]);

async function logEnquiry(who, fields, files = []) {
  const c = users[who].client;
  const form = await c.get('/enquiries/new');
  assert.equal(form.status, 200, form.text_);
  const fd = new FormData();
  fd.append('csrf_token', csrfFrom(form.text_));
  const base = {
    councillor_email: `${who}@example.gov.uk`, service_area: 'highways', enquiry_type: 'service_request',
    district: 'north', details: 'Pothole outside 12 High Street, reported twice.', contact_method: 'email',
  };
  for (const [k, v] of Object.entries({ ...base, ...fields })) fd.append(k, v);
  for (const [name, bytes, type] of files) fd.append('documents', new Blob([bytes], { type }), name);
  return c.request('POST', '/enquiries', { body: fd });
}

const count = (table) => Number(sql(server.db, `select count(*) from ${table}`));

let enquiryId, docPath;

test('a councillor logs an enquiry with a document; the deadline comes from the service level', async () => {
  const form = await users['cllr.ann'].client.get('/enquiries/new');
  assert.match(form.text_, /value="ann@example.gov.uk"/, 'email pre-filled from the account');
  const res = await logEnquiry('cllr.ann', { constituent_surname: 'Okafor' },
    [['photo of pothole.pdf', PDF, 'image/gif']]);
  assert.equal(res.status, 303, res.text_);
  const m = res.headers.get('location').match(/^\/enquiries\/(\d+)$/);
  assert.ok(m);
  enquiryId = Number(m[1]);
  const row = sql(server.db, `select status, sla_text, directorate, (due_at - received_at) from enquiries where id = ${enquiryId}`).split('|');
  assert.deepEqual(row.slice(0, 3), ['new', '5 working days', 'Place']);
  // 5 working days and the rest of the last day: at least 5 and at most 12 calendar days
  // (two weekends and bank holidays).
  assert.ok(Number(row[3]) >= 5 * 86400 && Number(row[3]) < 13 * 86400, row[3]);
  assert.equal(sql(server.db, `select content_type || '|' || size || '|' || length(token) from enquiry_documents where enquiry_id = ${enquiryId}`),
    `application/pdf|${PDF.length}|32`, 'the content type is ours, not the client\'s image/gif');

  const page = await users['cllr.ann'].client.get(`/enquiries/${enquiryId}`);
  assert.equal(page.status, 200);
  assert.match(page.text_, /Pothole outside 12 High Street/);
  assert.match(page.text_, /\(5 working days\)/);
  docPath = page.text_.match(/href="(\/enquiries\/documents\/[0-9a-f]{32})"/)[1];
  const doc = await users['cllr.ann'].client.get(docPath);
  assert.equal(doc.status, 200);
  assert.equal(doc.headers.get('content-type'), 'application/pdf');
  assert.equal(doc.headers.get('content-disposition'), 'attachment; filename="photo of pothole.pdf"');
  assertSecurityHeaders(doc);
  assert.equal(doc.text_, PDF.toString());
});

test('another councillor and an unassigned officer get 404 for the enquiry and its document', async () => {
  for (const who of ['cllr.bob', 'una.unassigned', 'olly.officer']) {
    const c = users[who].client;
    assert.equal((await c.get(`/enquiries/${enquiryId}`)).status, 404, who);
    assert.equal((await c.get(docPath)).status, 404, who);
    const list = await c.get('/enquiries');
    assert.equal(list.status, 200);
    assert.doesNotMatch(list.text_, new RegExp(`href="/enquiries/${enquiryId}"`), who);
  }
  const bob = users['cllr.bob'].client;
  const res = await bob.postForm(`/enquiries/${enquiryId}/update-request`, { csrf_token: await bob.csrf(), text: 'Hello?' });
  assert.equal(res.status, 404);
  // A guessed token is as unknown as a wrong one.
  assert.equal((await users['cllr.ann'].client.get('/enquiries/documents/00000000000000000000000000000000')).status, 404);
});

test('co-ordinator assigns, chases; officers respond; the councillor asks for an update; the lead replies', async () => {
  const cora = users['cora.coord'].client;
  const coord = await cora.get('/enquiries/coordinate');
  assert.equal(coord.status, 200);
  assert.match(coord.text_, new RegExp(`href="/enquiries/${enquiryId}"`));
  const page = await cora.get(`/enquiries/${enquiryId}`);
  const csrf = csrfFrom(page.text_);
  // A councillor is not an officer.
  let res = await cora.postForm(`/enquiries/${enquiryId}/assign`, { csrf_token: csrf, lead_officer: users['cllr.bob'].id });
  assert.equal(res.status, 422);
  assert.match(res.text_, /is not an officer who can be assigned/);
  res = await cora.postForm(`/enquiries/${enquiryId}/assign`, {
    csrf_token: csrf, lead_officer: users['olly.officer'].id, officers: [users['pat.manager'].id],
  });
  assert.equal(res.status, 303, res.text_);
  assert.equal(sql(server.db, `select status || '|' || lead_officer_id from enquiries where id = ${enquiryId}`), `in_progress|${users['olly.officer'].id}`);
  assert.equal((await cora.postForm(`/enquiries/${enquiryId}/chase`, { csrf_token: csrf, text: 'Due Friday' })).status, 303);

  const olly = users['olly.officer'].client;
  assert.equal((await olly.get(`/enquiries/${enquiryId}`)).status, 200, 'the lead officer sees it now');
  assert.equal((await olly.get(docPath)).status, 200);
  assert.equal((await users['una.unassigned'].client.get(`/enquiries/${enquiryId}`)).status, 404);

  const ann = users['cllr.ann'].client;
  res = await ann.postForm(`/enquiries/${enquiryId}/update-request`, { csrf_token: await ann.csrf(), text: 'Any news?' });
  assert.equal(res.status, 303);
  assert.match((await cora.get('/enquiries/coordinate')).text_ + (await cora.get(`/enquiries/${enquiryId}`)).text_, /Update requested/);

  const pat = users['pat.manager'].client;
  res = await pat.postForm(`/enquiries/${enquiryId}/responses`, { csrf_token: await pat.csrf(), text: 'Inspection booked.' });
  assert.equal(res.status, 303);
  res = await pat.postForm(`/enquiries/${enquiryId}/reply`, { csrf_token: await pat.csrf(), reply: 'Fixed.' });
  assert.equal(res.status, 403, 'a further officer may respond but not reply');
  res = await olly.postForm(`/enquiries/${enquiryId}/reply`, { csrf_token: await olly.csrf(), reply: '' });
  assert.equal(res.status, 422);
  assert.match(res.text_, /Enter the reply/);
  res = await olly.postForm(`/enquiries/${enquiryId}/reply`, { csrf_token: await olly.csrf(), reply: 'The pothole was filled on Tuesday.' });
  assert.equal(res.status, 303);
  res = await olly.postForm(`/enquiries/${enquiryId}/reply`, { csrf_token: await olly.csrf(), reply: 'Again.' });
  assert.equal(res.status, 409, 'a completed enquiry is not replied to twice');

  const view = await ann.get(`/enquiries/${enquiryId}`);
  assert.match(view.text_, /data-testid="reply">The pothole was filled on Tuesday\./);
  assert.match(view.text_, /Inspection booked\./);
  const dash = await ann.get('/enquiries');
  assert.match(dash.text_, /data-testid="count-completed">1</);
  const kinds = sql(server.db, `select group_concat(kind, ',') from (select kind from enquiry_events where enquiry_id = ${enquiryId} order by id)`);
  assert.equal(kinds, 'submitted,assigned,chased,update_requested,response,replied');
  const audit = sql(server.db, `select group_concat(action, ',') from (select action from audit where record_type = 'enquiry' and record_id = '${enquiryId}' and action <> 'enquiry.view' and action <> 'enquiry.document-download' order by id)`);
  assert.equal(audit, 'enquiry.create,enquiry.document-upload,enquiry.assign,enquiry.chase,enquiry.request-update,enquiry.respond,enquiry.reply');
});

test('uploads: a disguised executable, an unknown type, too many and too large files are refused; nothing is written', async () => {
  const before = [count('enquiries'), count('enquiry_documents')];
  let res = await logEnquiry('cllr.ann', {}, [['minutes.pdf', ELF, 'application/pdf']]);
  assert.equal(res.status, 422);
  assert.match(res.text_, /minutes\.pdf is not a PDF: its contents are a Linux program \(ELF\)/);
  res = await logEnquiry('cllr.ann', {}, [['letter.pdf', Buffer.from('MZ\x90\x00rest of a PE'), 'application/pdf']]);
  assert.match(res.text_, /a Windows program \(PE\)/);
  res = await logEnquiry('cllr.ann', {}, [['notes.txt', Buffer.from('#!/bin/sh\nrm -rf /\n'), 'text/plain']]);
  assert.match(res.text_, /a script/);
  res = await logEnquiry('cllr.ann', {}, [['setup.exe', PDF, 'application/pdf']]);
  assert.equal(res.status, 422);
  assert.match(res.text_, /must be one of these types: \.pdf, \.png/);
  res = await logEnquiry('cllr.ann', {}, [['fake.png', PDF, 'image/png']]);
  assert.match(res.text_, /fake\.png is not a PNG image: its contents do not match its name/);
  res = await logEnquiry('cllr.ann', {}, Array.from({ length: 6 }, (_, i) => [`p${i}.pdf`, PDF, 'application/pdf']));
  assert.equal(res.status, 422);
  assert.match(res.text_, /Upload at most 5 documents/);
  const big = Buffer.concat([PDF, Buffer.alloc(5 * 1024 * 1024)]);
  res = await logEnquiry('cllr.ann', {}, [['big.pdf', big, 'application/pdf']]);
  assert.equal(res.status, 413);
  assert.match(res.text_, /big\.pdf is larger than 5 MB/);
  assert.match(res.text_, /Pothole outside 12 High Street/, 'the form keeps what was typed');
  assert.deepEqual([count('enquiries'), count('enquiry_documents')], before);
});

test('dashboard filters, reset, and the CSV export of the filtered list with formula cells neutralised', async () => {
  let res = await logEnquiry('cllr.ann', {
    service_area: 'council_tax', enquiry_type: 'information', district: 'south',
    constituent_surname: "=HYPERLINK(\"http://x\",\"y\")", constituent_email: 'res@example.com',
  });
  assert.equal(res.status, 303);
  const second = Number(res.headers.get('location').split('/').pop());
  res = await logEnquiry('cllr.ann', { district: 'east', constituent_surname: '+44 trick', details: '@SUM(1,2)' });
  const third = Number(res.headers.get('location').split('/').pop());
  const ann = users['cllr.ann'].client;
  const all = await ann.get('/enquiries');
  assert.equal((all.text_.match(/data-testid="enquiry"/g) || []).length, 3);
  assert.match(all.text_, /data-testid="count-new">2</);
  const south = await ann.get('/enquiries?district=south&directorate=Resources');
  assert.equal((south.text_.match(/data-testid="enquiry"/g) || []).length, 1);
  assert.match(south.text_, new RegExp(`href="/enquiries/${second}"`));
  assert.match(south.text_, /href="\/enquiries\/export\.csv\?directorate=Resources&amp;district=south"/);
  assert.equal((await ann.get(`/enquiries?case_id=${third}`)).text_.match(/data-testid="enquiry"/g).length, 1);
  assert.equal((await ann.get('/enquiries?email=RES@example.com')).text_.match(/data-testid="enquiry"/g).length, 1);
  assert.equal((await ann.get('/enquiries?case_id=abc')).status, 422);
  assert.match(all.text_, /href="\/enquiries" id="reset"/);

  const csv = await ann.get('/enquiries/export.csv?district=south');
  assert.equal(csv.status, 200);
  assert.equal(csv.headers.get('content-type'), 'text/csv; charset=utf-8');
  assert.equal(csv.headers.get('content-disposition'), 'attachment; filename="enquiries.csv"');
  const lines = csv.text_.trimEnd().split('\r\n');
  assert.equal(lines.length, 2);
  assert.match(lines[0], /^Case id,Received,Councillor,Service area,Directorate,Enquiry type,District,Resident surname,Email,Status,Reply due,Overdue,Lead officer,Responses,Replied$/);
  assert.ok(lines[1].startsWith(`${second},`));
  assert.ok(lines[1].includes(',"\'=HYPERLINK(""http://x"",""y"")",'), lines[1]);
  assert.ok(lines[1].includes('Council tax and benefits,Resources,Request for information,South division'), lines[1]);
  const east = (await ann.get('/enquiries/export.csv?district=east')).text_;
  assert.ok(east.includes(',"\'+44 trick",'), east);
  // Bob's export holds none of Ann's.
  assert.equal((await users['cllr.bob'].client.get('/enquiries/export.csv')).text_.trimEnd().split('\r\n').length, 1);
});

test('overdue enquiries are flagged to the co-ordinator', async () => {
  const res = await logEnquiry('cllr.bob', { district: 'west' });
  const id = Number(res.headers.get('location').split('/').pop());
  sql(server.db, `update enquiries set due_at = received_at - 60 where id = ${id}`);
  const page = await users['cora.coord'].client.get('/enquiries/coordinate');
  const overdue = page.text_.split('data-testid="overdue"')[1];
  assert.match(overdue, new RegExp(`href="/enquiries/${id}"`));
  assert.match(overdue, /Overdue<\/strong>/);
  assert.doesNotMatch(overdue, new RegExp(`href="/enquiries/${enquiryId}"`), 'a completed one is not overdue');
});
