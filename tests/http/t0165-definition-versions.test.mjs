// A case in flight keeps the definition it started on: the text is stored
// with the first case; if the file is then changed without a new version,
// starting a case on it is refused naming the file, while cases already
// open go on by the stored text (here, a title changed in the file does not
// reach them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Server, tokenFor } from './lib.mjs';

const CONFIG = new URL('../../config', import.meta.url).pathname;

test('a definition changed under the same version is refused; open cases keep the stored one', async () => {
  const config = mkdtempSync(path.join(os.tmpdir(), 'casework-config-'));
  cpSync(CONFIG, config, { recursive: true });
  const file = path.join(config, 'workflows', 'children.v3.json'); // the newest: new cases start on it
  let server = await new Server({ args: ['--config-dir', config] }).start();
  const token = await tokenFor(server, 'pat', 'practitioner');
  const api = (m, p, b) => server.api(token, m, p, b);
  const person = (await api('POST', '/api/v1/people', { forenames: 'Dee', surname: 'Ray', confirm_new: true })).body_;
  const contact = { children: [{ person_id: person.id }], referrer: { name: 'GP' }, source: '5A', concern: 'Worried.' };
  let res = await api('POST', '/api/v1/contacts', contact);
  assert.equal(res.status, 201, JSON.stringify(res.body_));
  const caseId = res.body_.children[0].case_id;

  const old = server;
  await old.stop({ keep: true });
  writeFileSync(file, readFileSync(file, 'utf8').replace('"Contact and front-door decision"', '"Front door"'));
  server = await new Server({ dir: old.dir, args: ['--config-dir', config] }).start();
  try {
    res = await api('POST', '/api/v1/contacts', contact);
    assert.equal(res.status, 409);
    assert.equal(res.body_.field, 'pathway');
    assert.match(res.body_.detail, /children\.v3\.json has changed since cases started on version 3: give the changed file a new version number/);
    res = await api('GET', `/api/v1/cases/${caseId}`);
    assert.equal(res.status, 200);
    assert.equal(res.body_.steps[0].title, 'Contact and front-door decision');
  } finally {
    await server.stop();
    rmSync(config, { recursive: true, force: true });
  }
});
