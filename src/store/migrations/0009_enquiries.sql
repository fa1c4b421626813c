-- 0009: councillor (member) enquiries, and comments, compliments and
-- complaints (representations). Neither is about a person record, so neither
-- uses cases/case_steps (which hang off people); both keep their own tables
-- and take their timescales from config/enquiries/ counted on the same
-- working-day calendar (core/calendar). Instants are INTEGER seconds, UTC.

-- Three roles for this casework: a councillor (sees only their own
-- enquiries), an enquiry co-ordinator and a complaints officer. users.role's
-- CHECK lists the roles, and rebuilding users is not possible in a
-- transaction with foreign keys on (every session, token and audit row
-- references it), so the CHECK is widened in place: SQLite's documented
-- procedure for a schema change that leaves the stored rows valid
-- (https://sqlite.org/lang_altertable.html, "other kinds of table schema
-- changes"). The CREATE TABLEs below change the schema cookie, so every
-- other connection reloads the schema; RESET reloads this one's.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
   SET sql = replace(sql, '''practitioner'', ''auditor'')',
                     '''practitioner'', ''auditor'', ''councillor'', ''enquiry_coordinator'','
                     || ' ''complaints_officer'')')
 WHERE type = 'table' AND name = 'users';
PRAGMA writable_schema = RESET;
-- Fail the migration (NOT NULL) if the CHECK text was not found and widened.
CREATE TEMP TABLE migration_0009_check (widened TEXT NOT NULL);
INSERT INTO migration_0009_check
SELECT CASE WHEN sql LIKE '%''complaints_officer''%' THEN 'yes' END
  FROM sqlite_schema WHERE type = 'table' AND name = 'users';
DROP TABLE migration_0009_check;

-- An enquiry a councillor makes to a service area. The councillor's name and
-- contact details are copied at submission (as the reply is addressed to
-- them then). The constituent's surname and email are optional and exist to
-- find an enquiry again. service_area and directorate come from
-- config/enquiries/service-areas.txt, enquiry_type and district from
-- config/codes (enquiry_type, enquiry_district). due_at is fixed at
-- submission from the service level for the area and type (sla_text keeps
-- the rule that set it, e.g. "10 working days").
CREATE TABLE enquiries (
    id                  INTEGER PRIMARY KEY,
    councillor_id       INTEGER NOT NULL REFERENCES users (id),
    councillor_name     TEXT NOT NULL,
    councillor_email    TEXT,
    councillor_phone    TEXT,
    service_area        TEXT NOT NULL,
    directorate         TEXT NOT NULL,
    enquiry_type        TEXT NOT NULL,
    district            TEXT NOT NULL,
    constituent_surname TEXT,
    constituent_email   TEXT,
    details             TEXT NOT NULL,
    contact_method      TEXT NOT NULL CHECK (contact_method IN ('email', 'phone', 'letter')),
    status              TEXT NOT NULL DEFAULT 'new'
                        CHECK (status IN ('new', 'in_progress', 'completed')),
    received_at         INTEGER NOT NULL,
    sla_text            TEXT NOT NULL,
    due_at              INTEGER NOT NULL,
    lead_officer_id     INTEGER REFERENCES users (id),
    reply               TEXT,
    replied_at          INTEGER,
    replied_by          INTEGER REFERENCES users (id),
    updated_at          INTEGER NOT NULL
);
CREATE INDEX enquiries_councillor ON enquiries (councillor_id, received_at);
CREATE INDEX enquiries_status_due ON enquiries (status, due_at);

-- Officers working an enquiry: one lead (also in enquiries.lead_officer_id)
-- and any further officers. An officer sees the enquiries they are on.
CREATE TABLE enquiry_officers (
    enquiry_id  INTEGER NOT NULL REFERENCES enquiries (id),
    user_id     INTEGER NOT NULL REFERENCES users (id),
    lead        INTEGER NOT NULL DEFAULT 0 CHECK (lead IN (0, 1)),
    assigned_at INTEGER NOT NULL,
    assigned_by INTEGER NOT NULL REFERENCES users (id),
    PRIMARY KEY (enquiry_id, user_id)
);
CREATE INDEX enquiry_officers_user ON enquiry_officers (user_id);

-- What happened to an enquiry, in order: submitted, assigned, chased (the
-- co-ordinator reminding officers), update_requested (the councillor asking),
-- response (an officer's interim response), replied (the final reply).
CREATE TABLE enquiry_events (
    id         INTEGER PRIMARY KEY,
    enquiry_id INTEGER NOT NULL REFERENCES enquiries (id),
    kind       TEXT NOT NULL CHECK (kind IN ('submitted', 'assigned', 'chased',
                                             'update_requested', 'response', 'replied')),
    text       TEXT,
    at         INTEGER NOT NULL,
    by_user    INTEGER NOT NULL REFERENCES users (id)
);
CREATE INDEX enquiry_events_enquiry ON enquiry_events (enquiry_id, id);

-- A supporting document. The bytes are kept in the database as base64 text
-- (the store binds text and integers only), never on a path a web server
-- could serve. token is 32 random hex characters: the only name a document
-- is fetched by, always through the enquiry's access check. content_type is
-- the one our allow-list gives for the bytes' magic number, never the
-- client's; filename is shown and sent in Content-Disposition only.
CREATE TABLE enquiry_documents (
    id           INTEGER PRIMARY KEY,
    enquiry_id   INTEGER NOT NULL REFERENCES enquiries (id),
    token        TEXT NOT NULL UNIQUE,
    filename     TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    data_base64  TEXT NOT NULL,
    uploaded_at  INTEGER NOT NULL,
    uploaded_by  INTEGER NOT NULL REFERENCES users (id)
);
CREATE INDEX enquiry_documents_enquiry ON enquiry_documents (enquiry_id);

-- A comment, compliment or complaint about a service, a person or a team,
-- received by a channel, under one of three procedures: children's social
-- care (statutory, 3 stages), adults' social care (1 stage, a timescale
-- agreed with the complainant) or corporate (2 stages). Compliments and
-- comments have no stages.
CREATE TABLE representations (
    id                  INTEGER PRIMARY KEY,
    kind                TEXT NOT NULL CHECK (kind IN ('complaint', 'compliment', 'comment')),
    procedure           TEXT NOT NULL CHECK (procedure IN ('children', 'adults', 'corporate')),
    about_type          TEXT NOT NULL CHECK (about_type IN ('service', 'person', 'team')),
    about               TEXT NOT NULL,
    service_area        TEXT NOT NULL,
    channel             TEXT NOT NULL,
    from_name           TEXT NOT NULL,
    from_contact        TEXT,
    summary             TEXT NOT NULL,
    received_at         INTEGER NOT NULL,
    status              TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    closed_at           INTEGER,
    created_by          INTEGER NOT NULL REFERENCES users (id),
    created_at          INTEGER NOT NULL
);
CREATE INDEX representations_received ON representations (received_at);

-- One stage of a complaint. due_at is from the procedure's timescale for the
-- stage (config/enquiries/complaint-timescales.txt) counted from started_at,
-- or for adults from the timescale agreed with the complainant; an extension
-- moves due_at (never past the stage's limit) and keeps the reason.
-- Stage 2 of the children's procedure names an investigator and an
-- independent person and reports progress every two weeks.
CREATE TABLE complaint_stages (
    id                  INTEGER PRIMARY KEY,
    representation_id   INTEGER NOT NULL REFERENCES representations (id),
    stage               INTEGER NOT NULL CHECK (stage BETWEEN 1 AND 3),
    started_at          INTEGER NOT NULL,
    timescale           TEXT NOT NULL,
    due_at              INTEGER NOT NULL,
    original_due_at     INTEGER NOT NULL,
    extension_reason    TEXT,
    extended_at         INTEGER,
    extended_by         INTEGER REFERENCES users (id),
    investigator        TEXT,
    independent_person  TEXT,
    completed_at        INTEGER,
    UNIQUE (representation_id, stage)
);

-- A stage 2 investigator's progress report (due every 14 calendar days).
CREATE TABLE complaint_progress_reports (
    id          INTEGER PRIMARY KEY,
    stage_id    INTEGER NOT NULL REFERENCES complaint_stages (id),
    reported_at INTEGER NOT NULL,
    text        TEXT NOT NULL,
    by_user     INTEGER NOT NULL REFERENCES users (id)
);

-- A point of complaint and its outcome at a stage.
CREATE TABLE complaint_points (
    id                INTEGER PRIMARY KEY,
    representation_id INTEGER NOT NULL REFERENCES representations (id),
    stage             INTEGER NOT NULL,
    point             TEXT NOT NULL,
    outcome           TEXT CHECK (outcome IN ('upheld', 'partly_upheld', 'not_upheld', 'withdrawn')),
    decided_at        INTEGER
);

-- Actions and learning from a complaint, tracked to completion.
CREATE TABLE complaint_actions (
    id                INTEGER PRIMARY KEY,
    representation_id INTEGER NOT NULL REFERENCES representations (id),
    kind              TEXT NOT NULL CHECK (kind IN ('action', 'learning')),
    text              TEXT NOT NULL,
    owner             TEXT,
    due_on            TEXT,
    completed_at      INTEGER
);

-- A Local Government and Social Care Ombudsman referral: received, the
-- Ombudsman's enquiries, the decision, and recommendations with due dates
-- and compliance.
CREATE TABLE lgsco_referrals (
    id                INTEGER PRIMARY KEY,
    representation_id INTEGER NOT NULL REFERENCES representations (id),
    received_at       INTEGER NOT NULL,
    reference         TEXT,
    enquiries         TEXT,
    decision          TEXT,
    decided_at        INTEGER
);
CREATE TABLE lgsco_recommendations (
    id          INTEGER PRIMARY KEY,
    referral_id INTEGER NOT NULL REFERENCES lgsco_referrals (id),
    text        TEXT NOT NULL,
    due_on      TEXT NOT NULL,
    complied_at INTEGER,
    evidence    TEXT
);
