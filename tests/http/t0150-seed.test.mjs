// casework seed: the synthetic population is the same for the same seed,
// its identifiers are valid and synthetic (NHS numbers from the 999 test
// range, UPNs with local authority number 999, both passing their checks,
// computed here independently of the C code), the audit chain is intact,
// and the server finds seeded people, including a planted near-duplicate
// beside its original. Also casework token create, which the benchmark uses.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Server, cli } from './lib.mjs';

function sql(db, query) {
  const r = spawnSync('sqlite3', ['-separator', '|', db, query], { encoding: 'utf8', maxBuffer: 1 << 28 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'casework-seed-'));
const dbA = path.join(tmp, 'a.db');
const dbB = path.join(tmp, 'b.db');
let seeded;
before(() => {
  seeded = cli(dbA, ['seed', '--profile', 'tiny', '--seed', '1']);
  assert.equal(seeded.status, 0, seeded.stderr);
});
after(() => rmSync(tmp, { recursive: true, force: true }));

const DUMPS = [
  'SELECT * FROM people ORDER BY id',
  'SELECT * FROM relationships ORDER BY id',
  'SELECT * FROM addresses ORDER BY id',
  'SELECT * FROM person_names ORDER BY id',
  'SELECT * FROM person_keys ORDER BY person_id, key',
  'SELECT id, username, display_name, role FROM users ORDER BY id',
  'SELECT * FROM contacts ORDER BY id',
  'SELECT * FROM contact_people ORDER BY id',
  'SELECT * FROM cases ORDER BY id',
  'SELECT * FROM case_steps ORDER BY id',
  'SELECT * FROM step_versions ORDER BY step_id, version',
  'SELECT * FROM allocations ORDER BY id',
  'SELECT id, person_id, type, occurred_on, body, author_id, created_at FROM notes ORDER BY id',
  // The work's rows are dated when the work happened; the population's when it was seeded.
  `SELECT id, at, actor, action, record_id, detail FROM audit WHERE id % 7 = 0
     AND action NOT IN ('team.create', 'user.create', 'person.create', 'seed.run') ORDER BY id`,
];

test('the same seed gives identical data on two fresh databases; another seed does not', () => {
  const again = cli(dbB, ['seed', '--profile', 'tiny', '--seed', '1']);
  assert.equal(again.status, 0, again.stderr);
  for (const q of DUMPS) assert.equal(sql(dbB, q), sql(dbA, q), q);
  const people = Number(sql(dbA, 'SELECT count(*) FROM people'));
  assert.ok(people >= 480 && people <= 560, `${people} people`);
  assert.ok(Number(sql(dbA, 'SELECT count(*) FROM relationships')) > people / 2);
  const other = path.join(tmp, 'c.db');
  assert.equal(cli(other, ['seed', '--profile', 'tiny', '--seed', '2']).status, 0);
  assert.notEqual(sql(other, DUMPS[0]), sql(dbA, DUMPS[0]));
});

test('the report names the counts, the time, the size and the shared password', () => {
  assert.match(seeded.stdout, /seeded profile tiny \(seed 1\): \d+ people \(\d+ planted near-duplicates/);
  assert.match(seeded.stdout, /time: [\d.]+ s writing.*database size: [\d.]+ MB/);
  assert.match(seeded.stdout, /every seeded user's password: (\S+)/);
  assert.equal(sql(dbA, 'SELECT count(*) FROM teams'), '4');
  assert.equal(sql(dbA, "SELECT count(*) FROM users WHERE role = 'manager'"), '4');
  assert.equal(sql(dbA, "SELECT count(*) FROM users WHERE role = 'practitioner'"), '16');
});

// NHS Data Dictionary: modulus 11 over the first nine digits weighted 10..2.
function nhsValid(n) {
  if (!/^\d{10}$/.test(n)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(n[i]) * (10 - i);
  const check = 11 - (sum % 11);
  return check !== 10 && (check === 11 ? 0 : check) === Number(n[9]);
}

// DfE UPN guidance: characters 2-13 weighted 2..13, modulo 23, mapped to
// A-Z without I, O and S.
function upnValid(u) {
  if (!/^[A-Z]\d{12}$/.test(u)) return false;
  let sum = 0;
  for (let i = 1; i < 13; i++) sum += Number(u[i]) * (i + 1);
  return 'ABCDEFGHJKLMNPQRTUVWXYZ'[sum % 23] === u[0];
}

test('every NHS number is in the 999 test range and passes its check digit', () => {
  const nhs = sql(dbA, 'SELECT nhs_number FROM people WHERE nhs_number IS NOT NULL').split('\n');
  assert.ok(nhs.length > 300);
  for (const n of nhs) {
    assert.ok(n.startsWith('999'), n);
    assert.ok(nhsValid(n), n);
  }
  assert.ok(nhsValid('9434765919') && !nhsValid('9434765918')); // the Data Dictionary's example
  // Records of one person may share a number (planted duplicates); nobody else does.
  assert.equal(sql(dbA, `SELECT count(*) FROM (SELECT nhs_number FROM people WHERE nhs_number IS NOT NULL
    GROUP BY nhs_number HAVING count(*) > 1 AND count(DISTINCT dob) > 1 AND count(DISTINCT sex) > 1)`), '0');
});

test('every UPN carries the reserved local authority number 999 and a valid check letter', () => {
  const upns = sql(dbA, 'SELECT upn FROM people WHERE upn IS NOT NULL').split('\n');
  assert.ok(upns.length > 20);
  for (const u of upns) {
    assert.equal(u.slice(1, 4), '999', u);
    assert.ok(upnValid(u), u);
  }
  assert.ok(upnValid('H801200001001') && !upnValid('A801200001001')); // DfE's example
  assert.equal(sql(dbA, `SELECT count(*) FROM people WHERE upn IS NOT NULL
    AND dob > date('now', '-4 years')`), '0');
});

test('postcodes are well formed and in the made-up areas ZX and ZY', () => {
  const postcodes = sql(dbA, 'SELECT DISTINCT postcode FROM addresses').split('\n');
  for (const p of postcodes) assert.match(p, /^Z[XY]\d{1,2} \d[ABD-HJLNP-UW-Z]{2}$/, p);
});

test('the audit chain is intact, with a person.create row for every person', () => {
  const v = cli(dbA, ['audit', 'verify']);
  assert.equal(v.status, 0, v.stdout + v.stderr);
  assert.match(v.stdout, /audit log intact/);
  assert.equal(sql(dbA, "SELECT count(*) FROM audit WHERE action = 'person.create'"),
    sql(dbA, 'SELECT count(*) FROM people'));
  assert.equal(sql(dbA, "SELECT count(*) FROM audit WHERE action = 'seed.run'"), '1');
});

test('seed refuses a database with people unless --force, and bad arguments', () => {
  const r = cli(dbA, ['seed', '--profile', 'tiny']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /already has \d+ people.*--force/);
  assert.equal(cli(dbA, ['seed', '--profile', 'city']).status, 1);
  assert.equal(cli(dbA, ['seed', '--profile', 'tiny', '--seed', 'x']).status, 2);
  assert.equal(cli(dbA, ['seed']).status, 2);
  const help = cli(dbA, ['seed', '--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /--profile tiny\|district\|county/);
});

test('a seeded user can search: a person by name, and a planted near-duplicate beside its original', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'casework-seed-serve-'));
  const db = path.join(dir, 'casework.db');
  // The database the first test seeded (seed 1), copied: seeding is seconds of CPU now.
  copyFileSync(dbA, db);
  if (existsSync(`${dbA}-wal`)) copyFileSync(`${dbA}-wal`, `${db}-wal`);
  const user = sql(db, "SELECT username FROM users WHERE role = 'practitioner' ORDER BY id LIMIT 1");
  const made = cli(db, ['token', 'create', user, 'seed test']);
  assert.equal(made.status, 0, made.stderr);
  const token = made.stdout.trim();
  assert.match(token, /^cw_/);
  assert.equal(cli(db, ['token', 'create', 'nobody', 'x']).status, 1);
  const server = await new Server({ dir }).start();
  try {
    const search = async (q) => {
      const res = await fetch(`${server.url}/api/v1/people?q=${encodeURIComponent(q)}`,
        { headers: { authorization: `Bearer ${token}` } });
      assert.equal(res.status, 200);
      return (await res.json()).results.map((c) => c.id);
    };
    const [id, forenames, surname, dob] = sql(db,
      'SELECT id, forenames, surname, dob FROM people WHERE id = 200').split('|');
    assert.ok((await search(`${forenames} ${surname}`)).includes(Number(id)));
    assert.ok((await search(`${surname} ${dob}`)).includes(Number(id)));

    const [dupId, detail] = sql(db, `SELECT record_id, detail FROM audit
      WHERE detail LIKE '%near-duplicate%' ORDER BY id LIMIT 1`).split('|');
    const original = Number(detail.match(/near-duplicate of person (\d+)/)[1]);
    const [f, s, d] = sql(db, `SELECT forenames, surname, dob FROM people WHERE id = ${original}`).split('|');
    const found = await search(`${f} ${s} ${d}`);
    assert.ok(found.includes(original), `original ${original} in ${found}`);
    assert.ok(found.includes(Number(dupId)), `duplicate ${dupId} (${detail}) in ${found}`);

    // The seeded work reads through the server like live work: the busiest
    // worker's tray lists the open steps of their cases, their manager's
    // workload page counts them, a person with a case has a chronology.
    const [worker, open] = sql(db, `SELECT u.username, COUNT(*) FROM cases c
      JOIN users u ON u.id = c.allocated_user_id WHERE c.status = 'open'
      GROUP BY u.id ORDER BY COUNT(*) DESC, u.id LIMIT 1`).split('|');
    assert.ok(Number(open) >= 2, `${worker} holds ${open} open cases`);
    const wt = cli(db, ['token', 'create', worker, 'seed test']).stdout.trim();
    const get = async (url, tok) => {
      const res = await fetch(`${server.url}${url}`, { headers: { authorization: `Bearer ${tok}` } });
      assert.equal(res.status, 200, url);
      return res.json();
    };
    const tray = await get('/api/v1/tray', wt);
    assert.ok(tray.tasks.length >= Number(open), `${tray.tasks.length} tasks for ${open} cases`);
    const [manager, team] = sql(db, `SELECT m.username, ut.team_id FROM users w
      JOIN user_teams ut ON ut.user_id = w.id JOIN user_teams mt ON mt.team_id = ut.team_id
      JOIN users m ON m.id = mt.user_id AND m.role = 'manager' WHERE w.username = '${worker}'`).split('|');
    const mt = cli(db, ['token', 'create', manager, 'seed test']).stdout.trim();
    const workload = await get(`/api/v1/teams/${team}/workload`, mt);
    assert.ok(JSON.stringify(workload).includes('"open_cases"'));
    // Need-to-know: the manager reads the chronology of a person whose case
    // their team-mate (the worker) holds.
    const person = sql(db, `SELECT c.person_id FROM cases c JOIN users u ON u.id = c.allocated_user_id
      WHERE u.username = '${worker}' LIMIT 1`);
    const chron = await get(`/api/v1/people/${person}/chronology`, mt);
    assert.ok(JSON.stringify(chron).length > 100);
  } finally {
    await server.stop();
  }
});
