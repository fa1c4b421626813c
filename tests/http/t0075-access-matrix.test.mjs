// The access matrix: every route in src/routes.c, for every role, on a record
// the user has a legitimate relationship with and on one they do not, gives
// the allow/deny written in tests/http/access_matrix.json (its format is at
// the top of that file). A route missing from the file, or an entry for a
// route that is gone, fails the test.
//
// The records: a maker (practitioner) records two children, Rel and Unrel,
// each with a contact (so a case and its first step), a case note and a
// relationship to a third person with no case. Rel's case is allocated to the
// MX team, which every role's user is in (the team's case: a legitimate
// relationship); nobody but the maker has one with Unrel. A team or worker
// (whose caseload is moved) in the Rel world is MX or a worker in it; in the
// Unrel world, a team none of them is in and its worker. Each world also has
// an enquiry: Rel's logged by the matrix councillor, Unrel's by another
// councillor (a complaint id is one that does not exist: the permission is
// what is checked there). Pages are asked
// with a session (CSRF token sent), the API with a bearer token.
//
// CASEWORK_MATRIX_PRINT=1 prints the observed matrix in the file's format.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { Server, tokenFor, csrfFrom, ok } from './lib.mjs';

const ROLES = ['administrator', 'manager', 'practitioner', 'auditor', 'councillor', 'enquiry_coordinator', 'complaints_officer'];
const MATRIX = JSON.parse(readFileSync(new URL('./access_matrix.json', import.meta.url), 'utf8'));
const KINDS = ['-', 'person', 'note', 'case', 'step', 'contact', 'relationship', 'user', 'team', 'token', 'merge', 'override', 'enquiry', 'complaint', 'worker'];

let server;
const sql = (q) => spawnSync('sqlite3', [server.db, q], { encoding: 'utf8' }).stdout.trim();

before(async () => { server = await new Server().start(); });
after(async () => { await server.stop(); });

function routeTable() {
  const src = readFileSync(new URL('../../src/routes.c', import.meta.url), 'utf8');
  const routes = [...src.matchAll(/\{"([A-Z]+)", "([^"]+)", (\w+), ([^,]+),/g)]
    .map(([, method, pattern, perm, flags]) => ({ method, pattern, perm, flags, key: `${method} ${pattern}` }));
  assert.equal(routes.length, (src.match(/^\s*\{"[A-Z]+",/gm) || []).length, 'every route entry in routes.c was parsed');
  return routes;
}

// "ON REL UNREL" or ["ON REL UNREL", body].
function entry(key) {
  const v = MATRIX[key];
  const [spec, body] = Array.isArray(v) ? v : [v, undefined];
  const [on, rel, unrel] = String(spec).split(' ');
  assert.ok(KINDS.includes(on), `${key}: unknown record kind '${on}'`);
  for (const s of [rel, unrel]) assert.match(s || '', /^[ynrd]{7}$/, `${key}: '${spec}' needs 7 letters y/n/r/d twice`);
  return { on, rel, unrel, body };
}

function verdict(res) {
  const text = res.text_ || '';
  const location = res.headers.get('location') || '';
  if (res.status === 403 && /Your role does not allow/.test(text)) return 'n';
  if ((res.status === 403 && /break-glass|You have no work with person/.test(text)) ||
    (res.status === 303 && /\/break-glass\?next=/.test(location))) return 'r';
  if (res.status === 403) return 'd';
  return 'y';
}

test('every route, every role, a related and an unrelated record: the matrix holds', async () => {
  const routes = routeTable();
  const keys = new Set(routes.map((r) => r.key));
  const missing = routes.filter((r) => !(r.key in MATRIX) && !r.flags.includes('ROUTE_PREFIX')).map((r) => r.key);
  assert.deepEqual(missing, [], 'routes with no entry in tests/http/access_matrix.json');
  const stale = Object.keys(MATRIX).filter((k) => !k.startsWith('_') && !keys.has(k));
  assert.deepEqual(stale, [], 'entries in access_matrix.json for routes that are not in routes.c');

  // --- the records
  const root = await tokenFor(server, 'mx-root', 'administrator');
  const maker = await tokenFor(server, 'mx-maker', 'practitioner');
  const boss = await tokenFor(server, 'mx-boss', 'manager');
  const tokens = {}, sessions = {};
  for (const role of ROLES) {
    tokens[role] = await tokenFor(server, `mx-${role}`, role);
    sessions[role] = server.client();
    assert.equal((await sessions[role].signIn(`mx-${role}`, server.passwords[`mx-${role}`])).status, 303);
    sessions[role].csrf_ = await sessions[role].csrf();
  }
  const userId = (u) => Number(sql(`select id from users where username = '${u}'`));
  const team = await ok(await server.api(root, 'POST', '/api/v1/teams', { name: 'MX' }), 201);
  for (const u of ['mx-boss', ...ROLES.map((r) => `mx-${r}`)])
    await ok(await server.api(root, 'PATCH', `/api/v1/users/${userId(u)}`, { teams: [team.id] }));
  // A team none of them is in, and a worker in each (trays and caseloads are a team's own).
  const otherTeam = await ok(await server.api(root, 'POST', '/api/v1/teams', { name: 'MX other' }), 201);
  server.addUser('mx-mate', 'practitioner');
  server.addUser('mx-stranger', 'practitioner');
  await ok(await server.api(root, 'PATCH', `/api/v1/users/${userId('mx-mate')}`, { teams: [team.id] }));
  await ok(await server.api(root, 'PATCH', `/api/v1/users/${userId('mx-stranger')}`, { teams: [otherTeam.id] }));
  const world = async (name, allocate) => {
    const p = await ok(await server.api(maker, 'POST', '/api/v1/people', { forenames: name, surname: 'Matrix', dob: '2015-01-01', confirm_new: true }), 201);
    const other = await ok(await server.api(maker, 'POST', '/api/v1/people', { forenames: `${name}-aunt`, surname: 'Matrix', confirm_new: true }), 201);
    const contact = await ok(await server.api(maker, 'POST', '/api/v1/contacts', {
      children: [{ person_id: p.id }], referrer: { name: 'School' }, source: '3A', concern: 'Matrix.',
    }), 201);
    const note = await ok(await server.api(maker, 'POST', `/api/v1/people/${p.id}/notes`, { type: 'other', occurred_on: '2026-01-01', text: 'Matrix note.' }), 201);
    const rel = await ok(await server.api(maker, 'POST', `/api/v1/people/${p.id}/relationships`, { type: 'aunt_uncle', related_id: other.id }), 201);
    const { case_id: caseId, step_id: stepId } = contact.children[0];
    if (allocate)
      await ok(await server.api(boss, 'POST', `/api/v1/cases/${caseId}/allocation`, { team_id: team.id, reason: 'Matrix' }));
    return {
      person: p.id, note: note.id, case: caseId, step: stepId, contact: contact.id,
      relationship: Number(sql(`select id from relationships where person_id = ${p.id}`)) || rel.relationships?.[0]?.id,
      user: userId('mx-maker'), worker: userId(allocate ? 'mx-mate' : 'mx-stranger'),
      team: allocate ? team.id : otherTeam.id, token: 999999, merge: 999999, override: 999999,
    };
  };
  const enquiry = async (t) => {
    const res = await server.api(t, 'POST', '/api/v1/enquiries', {
      service_area: 'housing', enquiry_type: 'casework', district: 'west', details: 'Matrix.',
      contact_method: 'phone', councillor_phone: '01632 960001', constituent_surname: 'Matrix',
    });
    return (await ok(res, 201)).id;
  };
  const worlds = { rel: await world('Rel', true), unrel: await world('Unrel', false) };
  worlds.rel.enquiry = await enquiry(tokens.councillor);
  worlds.unrel.enquiry = await enquiry(await tokenFor(server, 'mx-other-councillor', 'councillor'));
  worlds.rel.complaint = worlds.unrel.complaint = 999999;

  // --- every route
  const observed = {};
  let throwaway = 0;
  const failures = [];
  for (const rt of routes) {
    if (rt.flags.includes('ROUTE_PREFIX')) continue; // assets
    const e = entry(rt.key);
    const isApi = rt.flags.includes('API');
    const got = {};
    for (const which of ['rel', 'unrel']) {
      const w = worlds[which];
      const p = rt.pattern.replace(/:(\w+)/g, (_, name) => {
        const kind = name === 'id' ? e.on : name;
        return String(w[kind] ?? 999999);
      });
      let letters = '';
      for (const role of ROLES) {
        let res, token = tokens[role], session = sessions[role];
        if (/sign-out/.test(rt.pattern)) { // would end the shared sessions: a throwaway user
          const u = `mx-${role}-${++throwaway}`;
          token = await tokenFor(server, u, role);
          session = server.client();
          assert.equal((await session.signIn(u, server.passwords[u])).status, 303);
          session.csrf_ = await session.csrf();
        }
        if (isApi) {
          const body = rt.method === 'GET' || rt.method === 'DELETE' ? undefined : (e.body ?? {});
          res = await server.api(token, rt.method, p, body);
          res.text_ = JSON.stringify(res.body_ ?? '');
        } else if (rt.method === 'GET') {
          res = await session.get(p);
        } else {
          res = await session.postForm(p, { csrf_token: session.csrf_, ...(e.body || {}) });
        }
        letters += verdict(res);
      }
      got[which] = letters;
    }
    observed[rt.key] = `${e.on} ${got.rel} ${got.unrel}`;
    if (got.rel !== e.rel || got.unrel !== e.unrel)
      failures.push(`${rt.key}: expected ${e.rel} ${e.unrel}, got ${got.rel} ${got.unrel}`);
  }
  if (process.env.CASEWORK_MATRIX_PRINT)
    for (const [k, v] of Object.entries(observed)) console.log(`  ${JSON.stringify(k)}: ${JSON.stringify(v)},`);
  assert.deepEqual(failures, [], `roles in order ${ROLES.join(', ')}`);
  // A 404 counts as let through above; enquiries are narrowed by the domain:
  // a councillor sees their own enquiry and not another councillor's.
  assert.equal((await server.api(tokens.councillor, 'GET', `/api/v1/enquiries/${worlds.rel.enquiry}`)).status, 200);
  assert.equal((await server.api(tokens.councillor, 'GET', `/api/v1/enquiries/${worlds.unrel.enquiry}`)).status, 404);
  // Whatever the matrix says, the unrelated record was never opened without a reason.
  assert.equal(sql(`select count(*) from access_overrides`), '0');
});
