-- 0001: the foundation. Accounts, teams, sessions, API tokens, settings and
-- the hash-chained audit log. Instants are INTEGER seconds since the Unix
-- epoch, UTC (the clock module formats them). SQL stays portable between
-- SQLite and PostgreSQL: no AUTOINCREMENT, no SQLite-only functions.

-- Server-wide values generated at first start (e.g. the key that signs
-- pre-sign-in CSRF tokens). Never shown in pages.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- A team of staff (a MASH, a locality safeguarding team, an adult access team).
CREATE TABLE teams (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);

-- A member of staff who signs in. role is one of the four built-in roles;
-- what each may do is decided in access/, not here. password_hash is an
-- argon2id string (libsodium crypto_pwhash_str). failed_logins counts
-- consecutive failures; locked_until (instant) is set when they reach the limit.
CREATE TABLE users (
    id              INTEGER PRIMARY KEY,
    username        TEXT NOT NULL UNIQUE,
    display_name    TEXT NOT NULL,
    email           TEXT,
    role            TEXT NOT NULL
                    CHECK (role IN ('administrator', 'manager', 'practitioner', 'auditor')),
    password_hash   TEXT NOT NULL,
    disabled        INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    failed_logins   INTEGER NOT NULL DEFAULT 0,
    locked_until    INTEGER,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);

-- Team membership; a user may belong to several teams.
CREATE TABLE user_teams (
    user_id INTEGER NOT NULL REFERENCES users (id),
    team_id INTEGER NOT NULL REFERENCES teams (id),
    PRIMARY KEY (user_id, team_id)
);
CREATE INDEX user_teams_team ON user_teams (team_id);

-- A signed-in browser. Only a hash of the cookie token is kept, so a copy of
-- the database cannot be used to take over a session. csrf_token is the
-- per-session token every state-changing form must carry.
CREATE TABLE sessions (
    id           INTEGER PRIMARY KEY,
    token_hash   TEXT NOT NULL UNIQUE,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    csrf_token   TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL, -- absolute timeout
    ip           TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);

-- A token an integration sends as "Authorization: Bearer ...". Hashed at
-- rest; prefix is the first characters, shown so people can tell tokens apart.
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    prefix       TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at   INTEGER
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- The audit log: who did what to which record, when and why. Append-only
-- (the triggers below refuse UPDATE and DELETE) and hash-chained: hash is
-- SHA-256 over prev_hash and this row's fields (see access/audit.c), so an
-- edit or deletion of a past row breaks the chain and `casework audit verify`
-- reports the first broken row. audit_head holds the newest id and hash so a
-- truncated tail is detected too.
CREATE TABLE audit (
    id          INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    actor_id    INTEGER,          -- users.id, NULL for anonymous or the system
    actor       TEXT NOT NULL,    -- username at the time, or "-"
    action      TEXT NOT NULL,    -- e.g. login, login-failed, user.view, user.create
    record_type TEXT,             -- e.g. user, team, person
    record_id   TEXT,
    reason      TEXT,             -- why, when the action needs one (overrides)
    detail      TEXT,             -- what changed, JSON or a short sentence
    ip          TEXT,
    request_id  TEXT,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE INDEX audit_record ON audit (record_type, record_id);
CREATE INDEX audit_actor ON audit (actor_id, at);

CREATE TABLE audit_head (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    last_id INTEGER NOT NULL,
    hash    TEXT NOT NULL
);
INSERT INTO audit_head (id, last_id, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
