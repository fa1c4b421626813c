// The subject access PDF: made from the same data as the JSON export, served
// as an attachment, and complete. pdftotext (poppler-utils) opens it and every
// section heading, the person's details, a known note, a step and its form
// answer, a rectification, the third parties and the access log must be there,
// with the items that may name other people flagged for redaction review.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Server, tokenFor, ok } from './lib.mjs';

let server, pat, ivy, patTok, moTok;
const get = (token, p) => fetch(server.url + p, { headers: { authorization: `Bearer ${token}` } });
function pdfText(bytes) {
  const dir = mkdtempSync(path.join(tmpdir(), 'sar-pdf-'));
  try {
    const file = path.join(dir, 'sar.pdf');
    writeFileSync(file, bytes);
    const r = spawnSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const info = spawnSync('pdfinfo', [file], { encoding: 'utf8' });
    assert.equal(info.status, 0, info.stderr);
    return { text: r.stdout.replace(/\s+/g, ' '), pages: Number(/Pages:\s+(\d+)/.exec(info.stdout)[1]) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
before(async () => {
  server = await new Server().start();
  const api = (t) => (m, p, b) => server.api(t, m, p, b);
  patTok = await tokenFor(server, 'pat', 'practitioner');
  pat = api(patTok);
  const ivyTok = await tokenFor(server, 'ivy', 'auditor');
  ivy = api(ivyTok);
  ivy.token = ivyTok;
  moTok = await tokenFor(server, 'morag', 'manager');
});
after(async () => { await server.stop(); });

test('the PDF holds every section of the record, third parties flagged', async () => {
  const tia = await ok(await pat('POST', '/api/v1/people', {
    forenames: 'Tia', surname: 'Rowan', dob: '2013-06-07', sex: 'F', confirm_new: true,
    address: { line1: '5 Elm Close', town: 'Northtown', postcode: 'SW1A 2AA' },
  }), 201);
  const dad = await ok(await pat('POST', '/api/v1/people', { forenames: 'Dev', surname: 'Rowan', confirm_new: true }), 201);
  await ok(await pat('POST', `/api/v1/people/${tia.id}/names`, { forenames: 'Tiana', surname: 'Rowan' }), 201);
  await ok(await pat('POST', `/api/v1/people/${tia.id}/addresses`, { line1: '8 Ash Walk', town: 'Northtown', from_date: '2024-01-01' }), 201);
  await ok(await pat('POST', `/api/v1/people/${tia.id}/contacts`, { kind: 'phone', label: 'home', value: '01632 960777' }), 201);
  await ok(await pat('POST', `/api/v1/people/${dad.id}/relationships`, { type: 'father', related_id: tia.id }), 201);
  await ok(await pat('POST', '/api/v1/contacts', {
    children: [{ person_id: tia.id }], referrer: { name: 'Lena Nurse', organisation: 'Northtown Surgery' },
    source: '3A', concern: 'Tia has missed three appointments.',
  }), 201);
  const note = await ok(await pat('POST', `/api/v1/people/${tia.id}/notes`,
    { type: 'home_visit', occurred_on: '2026-02-01', text: 'Visited Tia at home with Dev present.' }), 201);
  // A long note runs over a page break and is still there whole.
  const long = Array.from({ length: 160 }, (_, i) => `Sentence ${i} of the long visit record.`).join(' ');
  await ok(await pat('POST', `/api/v1/people/${tia.id}/notes`, { type: 'home_visit', occurred_on: '2026-02-02', text: long }), 201);
  await ok(await pat('POST', `/api/v1/people/${tia.id}/rectifications`,
    { item_type: 'note', item_id: note.id, text: 'Tia says Dev was not there.' }), 201);
  await ok(await pat('POST', `/api/v1/people/${tia.id}/looked-after`, { legal_status: 'V2', started_on: '2025-03-01', ended_on: '2025-04-01' }), 201);
  await ok(await pat('GET', `/api/v1/people/${tia.id}`));
  const req = await ok(await ivy('POST', `/api/v1/people/${tia.id}/subject-access`,
    { received_on: '2026-01-31', requester: 'Tia Rowan' }), 201);

  // Only the roles that may export; no such request is 404.
  assert.equal((await get(patTok, `/api/v1/subject-access/${req.id}/pdf`)).status, 403);
  assert.equal((await get(moTok, `/api/v1/subject-access/${req.id}/pdf`)).status, 403);
  assert.equal((await get(ivy.token, '/api/v1/subject-access/999999/pdf')).status, 404);

  const res = await get(ivy.token, `/api/v1/subject-access/${req.id}/pdf`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/pdf');
  assert.match(res.headers.get('content-disposition'), new RegExp(`attachment; filename="subject-access-${req.id}\\.pdf"`));
  const bytes = Buffer.from(await res.arrayBuffer());
  assert.equal(bytes.subarray(0, 5).toString(), '%PDF-');
  const { text, pages } = pdfText(bytes);
  assert.ok(pages >= 2, `pages ${pages}`);
  for (const heading of ['Subject access disclosure', 'Personal details', 'Names', 'Address history',
    'Contact details', 'Relationships', 'Contacts (referrals)', 'Cases', 'Looked-after periods', 'Steps and forms', 'Case notes',
    'Rectification notes', 'Documents', 'Other people named in this record (third parties)',
    'Who has seen this record']) {
    assert.ok(text.includes(heading), `no section "${heading}" in:\n${text}`);
  }
  for (const known of ['Received on: 2026-01-31', 'Due on: 2026-02-28', 'Requester: Tia Rowan',
    'Forenames: Tia', 'Date of birth: 2013-06-07', 'Forenames: Tiana', '5 Elm Close', '8 Ash Walk', '01632 960777',
    'Other: Dev Rowan', 'Concern: Tia has missed three appointments.', 'Step: Contact and front-door decision',
    'Visited Tia at home with Dev present.', 'Sentence 0 of the long', 'Sentence 159 of the long visit record.',
    'Tia says Dev was not there.', 'Referrer name: Lena Nurse', 'Name: Dev Rowan', 'Name: Lena Nurse',
    'ivy', 'sar.export', 'pat', 'person.view', 'None recorded.', 'REDACTION REVIEW']) {
    assert.ok(text.includes(known), `"${known}" missing from:\n${text}`);
  }
  // Coded values by their labels from config/codes, not the codes.
  for (const label of ['Sex: Female', 'Source: Health services', 'Type: Home visit',
    'Legal status: Single period of accommodation under section 20', 'Started on: 2025-03-01']) {
    assert.ok(text.includes(label), `"${label}" missing from:\n${text}`);
  }
  for (const raw of ['Sex: F\n', 'Source: 3A', 'Type: home_visit', 'Legal status: V2'])
    assert.ok(!text.includes(raw), `raw code "${raw}" in:\n${text}`);
  // The step's form answers are printed field by field, not as raw JSON: by the labels of the
  // definition the case keeps, coded answers by their code list's labels.
  assert.ok(!text.includes('{"'), text);
  for (const label of ['What the concern is: Tia has missed three appointments.', 'Source of the contact: Health services'])
    assert.ok(text.includes(label), `"${label}" missing from:\n${text}`);
  assert.ok(!text.includes('Step: contact\n'), text);
  // Instants kept as seconds are printed as dates and times, GOV.UK style.
  assert.match(text, /Received at: \d{1,2} [A-Z][a-z]+ 20\d\d at \d{1,2}(:\d\d)?[ap]m/);
  assert.ok(!/Received at: \d{9,}/.test(text), text);
  // The PDF export is audited on the person like the JSON one.
  const seen = spawnSync('sqlite3', [server.db, `select count(*) from audit where action = 'sar.export' and record_id = '${tia.id}'`], { encoding: 'utf8' });
  assert.equal(seen.stdout.trim(), '1');
});
