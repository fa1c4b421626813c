-- 0008: information governance. Need-to-know access: which actions each role
-- may take in each record domain, and the reasoned, time-limited overrides
-- ("break-glass") a worker without a legitimate relationship gives to open a
-- record. access/access.c decides from these facts; domain/need_to_know
-- gathers them.

-- Actions a role may take per record domain. domain: 'children', 'early_help'
-- (inside children's: a children's row covers it too) or 'adults'. action:
-- view, create, edit, authorise, administer. needs_relationship = 1: the role
-- sees a record of that domain only through a legitimate relationship
-- (allocation, a contact they made or handle, a grant) or an override.
-- A person with no case yet has no domain: any role with the action in some
-- domain may take it, subject to the relationship rule of those rows.
-- These rows are the shipped defaults; a council changes them with SQL (an
-- administrator's page is future work).
CREATE TABLE role_domain_actions (
    role               TEXT NOT NULL
                       CHECK (role IN ('administrator', 'manager', 'practitioner', 'auditor')),
    domain             TEXT NOT NULL CHECK (domain IN ('children', 'early_help', 'adults')),
    action             TEXT NOT NULL
                       CHECK (action IN ('view', 'create', 'edit', 'authorise', 'administer')),
    needs_relationship INTEGER NOT NULL DEFAULT 1 CHECK (needs_relationship IN (0, 1)),
    PRIMARY KEY (role, domain, action)
);

-- Defaults: practitioners view, create and edit in every domain; managers and
-- administrators also authorise and administer; all three need a legitimate
-- relationship. The read-only auditor (information governance) views any
-- record without one: every view is audited and listed per user.
WITH d(domain) AS (VALUES ('children'), ('early_help'), ('adults')),
     ra(role, action, rel) AS (VALUES
        ('practitioner', 'view', 1), ('practitioner', 'create', 1), ('practitioner', 'edit', 1),
        ('manager', 'view', 1), ('manager', 'create', 1), ('manager', 'edit', 1),
        ('manager', 'authorise', 1), ('manager', 'administer', 1),
        ('administrator', 'view', 1), ('administrator', 'create', 1),
        ('administrator', 'edit', 1), ('administrator', 'authorise', 1),
        ('administrator', 'administer', 1),
        ('auditor', 'view', 0))
INSERT INTO role_domain_actions (role, domain, action, needs_relationship)
SELECT ra.role, d.domain, ra.action, ra.rel FROM ra, d;

-- A break-glass override: a user with no legitimate relationship opened a
-- person's record, giving a reason (config/codes/break_glass_reason.txt) and
-- free text. It lets them in until expires_at (break_glass_minutes), and is
-- listed for the record's manager (a manager of the team a case of the
-- person is allocated to) until reviewed. audit_id: the person.override row.
CREATE TABLE access_overrides (
    id            INTEGER PRIMARY KEY,
    person_id     INTEGER NOT NULL REFERENCES people (id),
    user_id       INTEGER NOT NULL REFERENCES users (id),
    reason_code   TEXT NOT NULL,
    reason_text   TEXT NOT NULL,
    granted_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    audit_id      INTEGER NOT NULL,
    reviewed_at   INTEGER,
    reviewed_by   INTEGER REFERENCES users (id),
    review_note   TEXT
);
CREATE INDEX access_overrides_person ON access_overrides (person_id, user_id, expires_at);
CREATE INDEX access_overrides_review ON access_overrides (reviewed_at, granted_at);

-- Retention (domain/retention, rules in config/retention.txt). Each person's
-- destruction date, recomputed from the audit log's events on the person
-- (retention_refresh; watermark in retention_state). destroy_on NULL: not
-- scheduled, why says why ("a case is open", "no case", "date of birth
-- unknown"). rule: the rule that gave the date (the latest of those that
-- apply).
CREATE TABLE person_retention (
    person_id   INTEGER PRIMARY KEY REFERENCES people (id),
    rule        TEXT,
    destroy_on  TEXT,             -- YYYY-MM-DD
    why         TEXT NOT NULL,
    computed_at INTEGER NOT NULL
);
CREATE INDEX person_retention_due ON person_retention (destroy_on);

CREATE TABLE retention_state (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    last_audit_id INTEGER NOT NULL
);
INSERT INTO retention_state (id, last_audit_id) VALUES (1, 0);

-- A legal hold (e.g. a national inquiry asks that records of some types are
-- not destroyed). domains: comma-separated record domains it covers
-- ('children,early_help', 'adults') or '*' for all. While not lifted, no
-- person with a case in a covered domain is destroyed.
CREATE TABLE legal_holds (
    id         INTEGER PRIMARY KEY,
    reason     TEXT NOT NULL,
    domains    TEXT NOT NULL,
    set_at     INTEGER NOT NULL,
    set_by     INTEGER NOT NULL REFERENCES users (id),
    lifted_at  INTEGER,
    lifted_by  INTEGER REFERENCES users (id)
);

-- A destruction batch a manager confirmed, and what it destroyed: the
-- certificate is drawn from these. authority: who confirmed, and on what.
CREATE TABLE destruction_batches (
    id           INTEGER PRIMARY KEY,
    confirmed_at INTEGER NOT NULL,
    confirmed_by INTEGER NOT NULL REFERENCES users (id),
    authority    TEXT NOT NULL,
    count        INTEGER NOT NULL
);

-- The tombstone of a destroyed person record: its id, when, the rule and
-- date that made it due, and the batch (and so the authority). Nothing else
-- of the person is kept (see docs/GOVERNANCE.md for the audit log).
CREATE TABLE destroyed_records (
    person_id    INTEGER PRIMARY KEY,  -- no REFERENCES: the row it named is gone
    destroyed_at INTEGER NOT NULL,
    rule         TEXT NOT NULL,
    destroy_on   TEXT NOT NULL,
    batch_id     INTEGER NOT NULL REFERENCES destruction_batches (id)
);

-- A subject access request (UK GDPR Article 15) about a person: when it was
-- received and when the answer is due (one calendar month later, Article
-- 12(3); the corresponding day of the next month, or its last day). Exports
-- (domain/sar) are audited; last_export_at is the latest.
CREATE TABLE sar_requests (
    id             INTEGER PRIMARY KEY,
    person_id      INTEGER NOT NULL REFERENCES people (id),
    received_on    TEXT NOT NULL,     -- YYYY-MM-DD
    due_on         TEXT NOT NULL,     -- YYYY-MM-DD
    requester      TEXT NOT NULL,     -- who asked: the person, or who for them
    created_at     INTEGER NOT NULL,
    created_by     INTEGER NOT NULL REFERENCES users (id),
    last_export_at INTEGER
);
CREATE INDEX sar_requests_due ON sar_requests (due_on);

-- A rectification note (UK GDPR Article 16): someone says an item of the
-- record is wrong or incomplete. The note is attached to the item and shown
-- with it; the item itself is never altered by it. item_type names the table
-- the item is in (see domain/rectification for the list).
CREATE TABLE rectifications (
    id         INTEGER PRIMARY KEY,
    person_id  INTEGER NOT NULL REFERENCES people (id),
    item_type  TEXT NOT NULL,
    item_id    INTEGER NOT NULL,
    text       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users (id)
);
CREATE INDEX rectifications_person ON rectifications (person_id, item_type, item_id);
