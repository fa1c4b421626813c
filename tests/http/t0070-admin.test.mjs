// Administration: the users API (create, conflicts, validation naming the
// field, changes, disable, password reset, no self-lock-out), the role matrix
// for every route in src/routes.c (parsed from the source, so a new route
// with an unknown permission fails here), and the admin pages (add user with
// a one-time password, GOV.UK error summary, team checkboxes, add team).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Server, csrfFrom, tokenFor } from './lib.mjs';

function sql(db, query) {
  const r = spawnSync('sqlite3', [db, query], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

let server;
let token; // an administrator's API token
before(async () => {
  server = await new Server().start();
  token = await tokenFor(server, 'root', 'administrator');
});
after(async () => { await server.stop(); });

const api = (method, p, body, tok = token) => server.api(tok, method, p, body);

const PW = 'correct-horse-battery';
const userCount = () => Number(sql(server.db, 'select count(*) from users'));

test('create a user: 201 with Location, and no password or hash in the reply', async () => {
  const team = await api('POST', '/api/v1/teams', { name: 'Adults East' });
  const res = await api('POST', '/api/v1/users', {
    username: 'bea', display_name: 'Bea Smith', email: 'bea@example.gov.uk', role: 'practitioner',
    password: PW, teams: [team.body_.id],
  });
  assert.equal(res.status, 201);
  const u = res.body_;
  assert.equal(res.headers.get('location'), `/api/v1/users/${u.id}`);
  assert.deepEqual({ ...u, created_at: undefined }, {
    id: u.id, username: 'bea', display_name: 'Bea Smith', email: 'bea@example.gov.uk', role: 'practitioner',
    disabled: false, locked: false, teams: [{ id: team.body_.id, name: 'Adults East' }], created_at: undefined,
  });
  assert.match(u.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.match(sql(server.db, "select password_hash from users where username = 'bea'"), /^\$argon2id\$/);
  assert.equal((await server.client().signIn('bea', PW)).status, 303);
  const got = await api('GET', res.headers.get('location'));
  assert.deepEqual(got.body_, u);
});

test('a taken username is 409 and bad values are 422 naming the field; nothing is written', async () => {
  const base = { username: 'cara', display_name: 'Cara Jones', role: 'manager', password: PW };
  const before = userCount();
  const dup = await api('POST', '/api/v1/users', { ...base, username: 'bea' });
  assert.equal(dup.status, 409);
  assert.equal(dup.body_.field, 'username');
  assert.match(dup.body_.detail, /bea is already taken/);
  const cases = [
    [{ username: 'cara jones' }, 'username', /can only contain lowercase letters/],
    [{ username: 'cj' }, 'username', /3 to 64/],
    [{ username: '9cara' }, 'username', /start with a lowercase letter/],
    [{ role: 'superuser' }, 'role', /administrator, manager, practitioner, auditor, councillor, enquiry_coordinator or complaints_officer/],
    [{ email: 'not-an-email' }, 'email', /correct format/],
    [{ password: 'short' }, 'password', /at least 12 characters/],
    [{ password: 'xx-cara-is-my-name' }, 'password', /must not contain the username/],
    [{ display_name: '' }, 'display_name', /full name/i],
    [{ teams: [99999] }, 'teams', /Team 99999 does not exist/],
    [{ teams: ['1'] }, 'teams', /array of whole numbers/],
    [{ admin: true }, 'admin', /Unknown field/],
  ];
  for (const [change, field, detail] of cases) {
    const res = await api('POST', '/api/v1/users', { ...base, ...change });
    assert.equal(res.status, 422, JSON.stringify(change));
    assert.equal(res.body_.field, field, JSON.stringify(change));
    assert.match(res.body_.detail, detail);
  }
  assert.equal(userCount(), before);
});

test('PATCH changes role, teams and name; disabling stops sign-in; a reset password works', async () => {
  const t1 = (await api('POST', '/api/v1/teams', { name: 'MASH' })).body_.id;
  const t2 = (await api('POST', '/api/v1/teams', { name: 'Early Help' })).body_.id;
  const dan = (await api('POST', '/api/v1/users', { username: 'dan', display_name: 'Dan', role: 'practitioner', password: PW })).body_;
  let res = await api('PATCH', `/api/v1/users/${dan.id}`, { role: 'manager', teams: [t1, t2], display_name: 'Dan Brown' });
  assert.equal(res.status, 200);
  assert.equal(res.body_.role, 'manager');
  assert.equal(res.body_.display_name, 'Dan Brown');
  assert.deepEqual(res.body_.teams.map((t) => t.id).sort(), [t1, t2].sort());
  assert.equal(sql(server.db, `select role || '|' || display_name from users where id = ${dan.id}`), 'manager|Dan Brown');
  res = await api('PATCH', `/api/v1/users/${dan.id}`, { teams: [] });
  assert.deepEqual(res.body_.teams, []);
  assert.equal((await api('PATCH', `/api/v1/users/${dan.id}`, { role: 'boss' })).body_.field, 'role');
  assert.equal((await api('PATCH', '/api/v1/users/99999', { display_name: 'X' })).status, 404);

  const browser = server.client();
  assert.equal((await browser.signIn('dan', PW)).status, 303);
  res = await api('PATCH', `/api/v1/users/${dan.id}`, { disabled: true });
  assert.equal(res.status, 200);
  assert.equal(res.body_.disabled, true);
  assert.equal((await browser.get('/')).status, 303, 'the open session was ended');
  assert.equal((await server.client().signIn('dan', PW)).status, 401);
  assert.equal((await api('PATCH', `/api/v1/users/${dan.id}`, { disabled: false })).body_.disabled, false);

  const newPw = 'a-brand-new-password';
  assert.equal((await api('POST', `/api/v1/users/${dan.id}/reset-password`, { password: 'short' })).body_.field, 'password');
  res = await api('POST', `/api/v1/users/${dan.id}/reset-password`, { password: newPw });
  assert.equal(res.status, 204);
  assert.equal((await server.client().signIn('dan', PW)).status, 401);
  assert.equal((await server.client().signIn('dan', newPw)).status, 303);
});

test('an administrator cannot disable themselves or drop their own admin role', async () => {
  const me = (await api('GET', '/api/v1/me')).body_;
  let res = await api('PATCH', `/api/v1/users/${me.id}`, { disabled: true });
  assert.equal(res.status, 422);
  assert.match(res.body_.detail, /cannot disable your own account/);
  res = await api('PATCH', `/api/v1/users/${me.id}`, { role: 'manager' });
  assert.equal(res.status, 422);
  assert.equal(res.body_.field, 'role');
  assert.equal(sql(server.db, `select role || disabled from users where id = ${me.id}`), 'administrator0');
});

// --- the role matrix, from the route table -----------------------------------

// Staff roles see social care records; the enquiry and complaint roles do not.
const STAFF = ['administrator', 'manager', 'practitioner', 'auditor'];
const ROLES = [...STAFF, 'councillor', 'enquiry_coordinator', 'complaints_officer'];
const ALLOWED = {
  PERM_NONE: [...ROLES, null],
  PERM_SIGNED_IN: ROLES,
  PERM_USERS_ADMIN: ['administrator'],
  PERM_AUDIT_READ: ['administrator', 'auditor'],
  // The read-only auditor may look at person records but not change them.
  PERM_PEOPLE_VIEW: STAFF,
  PERM_PEOPLE_EDIT: ['administrator', 'manager', 'practitioner'],
  // Casework: the auditor reads; managers (and administrators) authorise.
  PERM_CASES_VIEW: STAFF,
  PERM_CASES_EDIT: ['administrator', 'manager', 'practitioner'],
  PERM_CASES_AUTHORISE: ['administrator', 'manager'],
  PERM_CASES_ALLOCATE: ['administrator', 'manager'],
  // Statutory returns: the performance team's work (administrators, managers).
  PERM_RETURNS: ['administrator', 'manager'],
  // Enquiries and complaints (docs/ENQUIRIES.md); officers are managers and practitioners.
  PERM_ENQUIRIES_SUBMIT: ['councillor'],
  PERM_ENQUIRIES_VIEW: [...STAFF, 'councillor', 'enquiry_coordinator'],
  PERM_ENQUIRIES_RESPOND: ['administrator', 'manager', 'practitioner', 'enquiry_coordinator'],
  PERM_ENQUIRIES_COORDINATE: ['administrator', 'enquiry_coordinator'],
  PERM_COMPLAINTS_VIEW: ['administrator', 'auditor', 'complaints_officer'],
  PERM_COMPLAINTS_MANAGE: ['administrator', 'complaints_officer'],
  PERM_OVERRIDE_REVIEW: ['administrator', 'manager'],
  PERM_RETENTION: ['administrator', 'manager'],
  PERM_SAR: ['administrator', 'auditor'],
  PERM_ACCESS_GRANT: ['administrator', 'manager'],
};

function routeTable() {
  const src = readFileSync(new URL('../../src/routes.c', import.meta.url), 'utf8');
  const entries = src.match(/^\s*\{"[A-Z]+",/gm) || [];
  const routes = [...src.matchAll(/\{"([A-Z]+)", "([^"]+)", (\w+), ([^,]+),/g)]
    .map(([, method, pattern, perm, flags]) => ({ method, pattern, perm, flags }));
  assert.equal(routes.length, entries.length, 'every route entry in routes.c was parsed');
  assert.ok(routes.length >= 30);
  return routes;
}

// Denied by role: 403 with the role message (pages render it as HTML).
const roleDenied = (res) => res.status === 403 && /Your role does not allow/.test(res.text_);
const signInNeeded = (res) => res.status === 401 || /^\/sign-in\?next=/.test(res.headers.get('location') || '');

test('every route allows exactly the roles its permission names', async () => {
  const sessions = {};
  for (const role of ROLES) {
    const c = server.client();
    const pw = server.addUser(`matrix-${role}`, role);
    assert.equal((await c.signIn(`matrix-${role}`, pw)).status, 303);
    sessions[role] = c;
  }
  for (const rt of routeTable()) {
    assert.ok(rt.perm in ALLOWED, `${rt.method} ${rt.pattern}: unknown permission ${rt.perm}; add it to this test`);
    if (rt.flags.includes('ROUTE_PREFIX')) continue; // assets
    const p = rt.pattern.replace(/:\w+/g, '1');
    const isApi = rt.flags.includes('API');
    for (const role of ROLES) {
      // No CSRF token is sent, so an allowed state-changing request stops at
      // the CSRF check (after the permission check) and changes nothing.
      const res = await sessions[role].request(rt.method, p);
      const allowed = ALLOWED[rt.perm].includes(role);
      assert.equal(roleDenied(res), !allowed, `${role} ${rt.method} ${p}: ${res.status} ${res.text_.slice(0, 200)}`);
      if (allowed) assert.ok(!signInNeeded(res), `${role} ${rt.method} ${p}: ${res.status}`);
    }
    const anon = await server.client().request(rt.method, p);
    if (rt.perm === 'PERM_NONE') {
      assert.ok(!signInNeeded(anon) && !roleDenied(anon), `anonymous ${rt.method} ${p}: ${anon.status}`);
    } else if (isApi) {
      assert.equal(anon.status, 401, `anonymous ${rt.method} ${p}`);
      assert.equal(anon.headers.get('www-authenticate'), 'Bearer');
      assert.equal(anon.headers.get('content-type'), 'application/problem+json');
      assert.equal(JSON.parse(anon.text_).status, 401);
    } else {
      assert.equal(anon.status, 303, `anonymous ${rt.method} ${p}`);
      assert.equal(anon.headers.get('location'), `/sign-in?next=${encodeURIComponent(p)}`);
    }
  }
  // Bearer tokens get the same answers as sessions.
  const auditorToken = await tokenFor(server, 'tok-auditor', 'auditor');
  assert.equal((await api('GET', '/api/v1/audit', undefined, auditorToken)).status, 200);
  assert.equal((await api('GET', '/api/v1/users', undefined, auditorToken)).status, 403);
  assert.equal((await api('POST', '/api/v1/teams', { name: 'Nope' }, auditorToken)).status, 403);
});

// --- the admin pages -----------------------------------------------------------

async function adminBrowser() {
  const c = server.client();
  assert.equal((await c.signIn('admin', server.adminPassword)).status, 303);
  return c;
}

test('the add-user form creates a user and shows a one-time password that signs in', async () => {
  const c = await adminBrowser();
  const form = await c.get('/admin/users');
  assert.equal(form.status, 200);
  const team = sql(server.db, "select id from teams where name = 'MASH'");
  const res = await c.postForm('/admin/users', {
    csrf_token: csrfFrom(form.text_), username: 'erin', display_name: 'Erin Hall', email: '',
    role: 'manager', teams: [team],
  });
  assert.equal(res.status, 201);
  const pw = res.text_.match(/data-testid="password">([^<]+)</)[1];
  assert.match(pw, /^[A-Za-z0-9]{20}$/);
  assert.match(res.text_, /User erin created/);
  assert.equal(sql(server.db, "select role from users where username = 'erin'"), 'manager');
  assert.equal(sql(server.db, `select count(*) from user_teams ut join users u on u.id = ut.user_id where u.username = 'erin' and team_id = ${team}`), '1');
  assert.equal((await server.client().signIn('erin', pw)).status, 303);
  assert.doesNotMatch((await c.get('/admin/users')).text_, new RegExp(pw), 'shown once');
});

test('a bad add-user form is 422 with a GOV.UK error summary linking to the field', async () => {
  const c = await adminBrowser();
  const before = userCount();
  const res = await c.postForm('/admin/users', {
    csrf_token: await c.csrf(), username: 'bad name', display_name: 'Kept Name', role: 'practitioner',
  });
  assert.equal(res.status, 422);
  assert.match(res.text_, /class="govuk-error-summary"[\s\S]*<a href="#username">Username can only contain/);
  assert.match(res.text_, /govuk-form-group--error[^>]*><label class="govuk-label" for="username">/);
  assert.match(res.text_, /id="display_name" name="display_name" type="text" value="Kept Name"/);
  const dup = await c.postForm('/admin/users', {
    csrf_token: await c.csrf(), username: 'bea', display_name: 'B', role: 'practitioner',
  });
  assert.equal(dup.status, 409);
  assert.match(dup.text_, /<a href="#username">Username bea is already taken/);
  assert.equal(userCount(), before);
});

test('the user page shows team checkboxes, and saving changes works', async () => {
  const c = await adminBrowser();
  const id = sql(server.db, "select id from users where username = 'erin'");
  const mash = sql(server.db, "select id from teams where name = 'MASH'");
  const help = sql(server.db, "select id from teams where name = 'Early Help'");
  const page = await c.get(`/admin/users/${id}`);
  assert.equal(page.status, 200);
  assert.match(page.text_, new RegExp(`name="teams" type="checkbox" value="${mash}" checked>`));
  assert.match(page.text_, new RegExp(`name="teams" type="checkbox" value="${help}">`));
  assert.match(page.text_, /id="role-manager" name="role" type="radio" value="manager" checked>/);
  const res = await c.postForm(`/admin/users/${id}`, {
    csrf_token: csrfFrom(page.text_), display_name: 'Erin Hall-Smith', email: 'erin@example.gov.uk',
    role: 'practitioner', teams: [help],
  });
  assert.equal(res.status, 200);
  assert.match(res.text_, /Changes saved/);
  assert.equal(sql(server.db, `select display_name || '|' || email || '|' || role from users where id = ${id}`),
    'Erin Hall-Smith|erin@example.gov.uk|practitioner');
  assert.equal(sql(server.db, `select group_concat(team_id) from user_teams where user_id = ${id}`), help);
  const bad = await c.postForm(`/admin/users/${id}`, {
    csrf_token: csrfFrom(page.text_), display_name: 'Erin', email: 'nope', role: 'practitioner',
  });
  assert.equal(bad.status, 422);
  assert.match(bad.text_, /<a href="#email">Enter an email address/);
  assert.equal(sql(server.db, `select email from users where id = ${id}`), 'erin@example.gov.uk');
});

test('the teams page adds a team; a duplicate is refused naming the field', async () => {
  const c = await adminBrowser();
  const res = await c.postForm('/admin/teams', { csrf_token: await c.csrf(), name: 'Children West' });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/admin/teams');
  assert.match((await c.get('/admin/teams')).text_, /<td class="govuk-table__cell">Children West<\/td>/);
  const dup = await c.postForm('/admin/teams', { csrf_token: await c.csrf(), name: 'Children West' });
  assert.equal(dup.status, 409);
  assert.match(dup.text_, /<a href="#name">A team called Children West already exists/);
  assert.equal(sql(server.db, "select count(*) from teams where name = 'Children West'"), '1');
});
