// Rectification notes on the pages (web/rect_view, pages_rectification): a
// note attached to an item is shown beside it, on the person page (the
// record, names, addresses, contact details), the case notes list and a
// note's own page, and the step page, with who added it and when, while the
// item itself is shown unchanged. A user who may edit the record adds one
// through the form linked beside each item; an auditor sees the notes but no
// link; someone with no work with the person is asked for a reason.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Server, tokenFor, csrfFrom, ok, sqlite } from './lib.mjs';

let server, pat, ids;
const sql = (q) => sqlite(server.db, q);

before(async () => {
  server = await new Server().start();
  const t = await tokenFor(server, 'pat', 'practitioner');
  await tokenFor(server, 'audrey', 'auditor');
  await tokenFor(server, 'sid', 'practitioner');
  pat = (m, p, b) => server.api(t, m, p, b);
  const p = await ok(await pat('POST', '/api/v1/people', {
    forenames: 'Rhiannon', surname: 'Rectify', dob: '2013-04-05', confirm_new: true,
    address: { line1: '12 Wrong Street', town: 'Northtown' },
  }), 201);
  await ok(await pat('POST', `/api/v1/people/${p.id}/names`, { forenames: 'Rianon', surname: 'Rectify' }), 201);
  const note = await ok(await pat('POST', `/api/v1/people/${p.id}/notes`, { type: 'other', occurred_on: '2026-01-01', text: 'Home visit: mother present.' }), 201);
  const contact = await ok(await pat('POST', '/api/v1/contacts', {
    children: [{ person_id: p.id }], referrer: { name: 'School' }, source: '3A', concern: 'Rectify test.',
  }), 201);
  const aunt = await ok(await pat('POST', '/api/v1/people', { forenames: 'Bronwen', surname: 'Rectify', confirm_new: true }), 201);
  await ok(await pat('POST', `/api/v1/people/${p.id}/relationships`, { type: 'aunt_uncle', related_id: aunt.id }), 201);
  ids = {
    person: p.id, note: note.id, step: contact.children[0].step_id, case: contact.children[0].case_id,
    contact: contact.id, relationship: Number(sql(`select id from relationships where person_id = ${p.id}`)),
    address: Number(sql(`select id from addresses where person_id = ${p.id}`)),
    name: Number(sql(`select id from person_names where person_id = ${p.id}`)),
  };
});
after(async () => { await server.stop(); });

const signedIn = async (u) => {
  const c = server.client();
  assert.equal((await c.signIn(u, server.passwords[u])).status, 303);
  return c;
};

test('a note added through the form shows beside its item; the item is unchanged', async () => {
  const c = await signedIn('pat');
  const person = await c.get(`/people/${ids.person}`);
  const link = `/people/${ids.person}/rectifications/new?item_type=address&amp;item_id=${ids.address}&amp;next=/people/${ids.person}`;
  assert.ok(person.text_.includes(`href="${link}"`), 'a link to add a note beside the address');
  const form = await c.get(link.replaceAll('&amp;', '&'));
  assert.equal(form.status, 200);
  assert.match(form.text_, /an address/);
  const csrf = csrfFrom(form.text_);
  const fields = { csrf_token: csrf, item_type: 'address', item_id: String(ids.address), next: `/people/${ids.person}` };

  const empty = await c.postForm(`/people/${ids.person}/rectifications`, { ...fields, text: '' });
  assert.equal(empty.status, 422);
  assert.match(empty.text_, /Say what is wrong or missing/);
  const wrongItem = await c.postForm(`/people/${ids.person}/rectifications`, { ...fields, item_id: '999999', text: 'x' });
  assert.equal(wrongItem.status, 422);
  assert.match(wrongItem.text_, /has no address 999999/);

  const added = await c.postForm(`/people/${ids.person}/rectifications`, { ...fields, text: 'The street is 12 Right Street.' });
  assert.equal(added.status, 303);
  assert.equal(added.headers.get('location'), `/people/${ids.person}`);
  // Another site is never the way back.
  const evil = await c.postForm(`/people/${ids.person}/rectifications`, { ...fields, next: '//evil.example/', text: 'Also the town.' });
  assert.equal(evil.headers.get('location'), `/people/${ids.person}`);

  const page = (await c.get(`/people/${ids.person}`)).text_;
  assert.match(page, /12 Wrong Street/); // the original, as recorded
  const notes = [...page.matchAll(/data-testid="rectification" data-item="([^"]+)">([\s\S]*?)<\/div>/g)];
  assert.deepEqual(notes.map((m) => m[1]), [`address-${ids.address}`, `address-${ids.address}`]);
  assert.match(notes[0][2], /Rectification note<\/strong> by pat, \d+ \w+ \d{4} at/);
  assert.match(notes[0][2], /The street is 12 Right Street\./);
  assert.ok(page.indexOf('12 Wrong Street') < page.indexOf('The street is 12 Right Street.'), 'beside, after the item');
  assert.equal(sql(`select line1 from addresses where id = ${ids.address}`), '12 Wrong Street');
  assert.equal(sql(`select count(*) from audit where action = 'rectification.add' and record_id = '${ids.person}'`), '2');
});

test('notes on the record, a name, a case note and a step show on their pages', async () => {
  for (const [item_type, item_id, text] of [
    ['person', ids.person, 'Date of birth is 2013-05-04 per birth certificate.'],
    ['name', ids.name, 'Spelling is Rhianon.'],
    ['note', ids.note, 'Mother was not present; it was the aunt.'],
    ['step', ids.step, 'The referrer was the school nurse.'],
  ])
    await ok(await pat('POST', `/api/v1/people/${ids.person}/rectifications`, { item_type, item_id, text }), 201);
  const c = await signedIn('pat');
  const person = (await c.get(`/people/${ids.person}`)).text_;
  assert.match(person, new RegExp(`data-item="person-${ids.person}">[\\s\\S]*?per birth certificate`));
  assert.match(person, new RegExp(`data-item="name-${ids.name}">[\\s\\S]*?Spelling is Rhianon`));
  for (const path of [`/people/${ids.person}/notes`, `/people/${ids.person}/notes/${ids.note}`]) {
    const page = (await c.get(path)).text_;
    assert.match(page, /Home visit: mother present\./, path);
    assert.match(page, new RegExp(`data-item="note-${ids.note}">[\\s\\S]*?it was the aunt`), path);
  }
  const step = await c.get(`/steps/${ids.step}`);
  assert.equal(step.status, 200);
  assert.match(step.text_, new RegExp(`data-item="step-${ids.step}">[\\s\\S]*?school nurse`));
  assert.match(step.text_, /data-testid="add-rectification"/);
});

test('notes on a relationship, a case (and its steps) and a contact show on the network, case and contact pages', async () => {
  for (const [item_type, item_id, text] of [
    ['relationship', ids.relationship, 'Bronwen is a family friend, not an aunt.'],
    ['case', ids.case, 'The case was opened a day late.'],
    ['contact', ids.contact, 'The school rang, not the nurse.'],
  ])
    await ok(await pat('POST', `/api/v1/people/${ids.person}/rectifications`, { item_type, item_id, text }), 201);
  const c = await signedIn('pat');
  const network = (await c.get(`/people/${ids.person}/network`)).text_;
  assert.match(network, new RegExp(`data-item="relationship-${ids.relationship}">[\\s\\S]*?family friend`));
  assert.match(network, /Bronwen Rectify/);
  const kase = await c.get(`/cases/${ids.case}`);
  assert.equal(kase.status, 200);
  assert.match(kase.text_, new RegExp(`data-item="case-${ids.case}">[\\s\\S]*?a day late`));
  assert.match(kase.text_, new RegExp(`data-item="step-${ids.step}">[\\s\\S]*?school nurse`));
  const contact = await c.get(`/contacts/${ids.contact}`);
  assert.equal(contact.status, 200);
  assert.match(contact.text_, new RegExp(`data-item="contact-${ids.contact}">[\\s\\S]*?The school rang`));
  assert.match(contact.text_, new RegExp(`item_type=contact&amp;item_id=${ids.contact}&amp;next=/contacts/${ids.contact}`));
});

test('an auditor sees the notes without the link; a worker with no relationship is asked for a reason', async () => {
  const a = await signedIn('audrey');
  const page = (await a.get(`/people/${ids.person}`)).text_;
  assert.match(page, /The street is 12 Right Street\./);
  assert.doesNotMatch(page, /data-testid="add-rectification"/);
  assert.equal((await a.get(`/people/${ids.person}/rectifications/new?item_type=person&item_id=${ids.person}`)).status, 403);
  const s = await signedIn('sid');
  const form = await s.get(`/people/${ids.person}/rectifications/new?item_type=person&item_id=${ids.person}`);
  assert.equal(form.status, 303);
  assert.match(form.headers.get('location'), new RegExp(`^/people/${ids.person}/break-glass`));
  const csrf = await s.csrf();
  const post = await s.postForm(`/people/${ids.person}/rectifications`, { csrf_token: csrf, item_type: 'person', item_id: String(ids.person), text: 'x' });
  assert.equal(post.status, 303);
  assert.match(post.headers.get('location'), /break-glass/);
  assert.equal(sql(`select count(*) from rectifications where text = 'x'`), '0');
});
