-- 0006: the workflow engine's runtime. A contact arrives at the front door
-- (about one or more people, each decided on separately); each person it is
-- about gets a case on a pathway (config/workflows), which moves through
-- steps whose due instants come from the pathway's timescales. Nothing here
-- is ever deleted: a completed step is locked, and a change to it is a new
-- version with the earlier ones kept.

-- Pathway definitions as a case first used them. A case in flight is read
-- against the text stored here, so editing a file cannot change a case that
-- started on it; a file changed without a new version (a different hash) is
-- refused when a case would start on it.
CREATE TABLE workflow_definitions (
    id        INTEGER PRIMARY KEY,
    pathway   TEXT NOT NULL,     -- "children", "early_help", "adults"
    version   INTEGER NOT NULL,  -- the file's version
    hash      TEXT NOT NULL,     -- SHA-256 of the canonical JSON (workflow_def_hash)
    text      TEXT NOT NULL,     -- the file's text, exactly
    stored_at INTEGER NOT NULL,  -- instant the first case used it
    UNIQUE (pathway, version)
);

-- The front-door record: who got in touch, when, and why.
CREATE TABLE contacts (
    id                    INTEGER PRIMARY KEY,
    pathway               TEXT NOT NULL,     -- pathway the people's cases start on
    received_at           INTEGER NOT NULL,  -- instant it was received: the clock starts here
    referrer_name         TEXT NOT NULL,
    referrer_role         TEXT,              -- e.g. "Designated safeguarding lead"
    referrer_organisation TEXT,
    referrer_contact      TEXT,              -- phone number or email address
    source                TEXT NOT NULL,     -- referral_source.txt code (DfE CIN census)
    concern               TEXT NOT NULL,     -- what the concern is, in the referrer's terms
    created_at            INTEGER NOT NULL,
    created_by            INTEGER NOT NULL REFERENCES users (id)
);
CREATE INDEX contacts_received ON contacts (received_at);

-- Whom a contact is about: one row per person, each decided on its own (a
-- contact about three children of one family may send one to a strategy
-- discussion and give advice about the others).
CREATE TABLE contact_people (
    id          INTEGER PRIMARY KEY,
    contact_id  INTEGER NOT NULL REFERENCES contacts (id),
    person_id   INTEGER NOT NULL REFERENCES people (id),
    case_id     INTEGER NOT NULL,  -- the case the contact opened for this person (cases.id)
    decision    TEXT,              -- the contact step's outcome (contact_decision.txt); NULL: undecided
    decided_at  INTEGER,
    decided_by  INTEGER REFERENCES users (id)
);
CREATE INDEX contact_people_contact ON contact_people (contact_id);
CREATE INDEX contact_people_person ON contact_people (person_id);

-- A case: one person on one pathway version, from the contact that opened it
-- to its closure.
CREATE TABLE cases (
    id                INTEGER PRIMARY KEY,
    person_id         INTEGER NOT NULL REFERENCES people (id),
    contact_id        INTEGER REFERENCES contacts (id),
    pathway           TEXT NOT NULL,
    version           INTEGER NOT NULL,  -- the definition version it keeps to the end
    received_at       INTEGER NOT NULL,  -- the "case.received" event timescales count from
    status            TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    closed_at         INTEGER,
    closure_reason    TEXT,              -- a code from the closing outcome's list (closure_reason.txt: RC1..RC16) or the outcome id
    allocated_user_id INTEGER REFERENCES users (id), -- the worker who holds it (see allocations)
    allocated_team_id INTEGER REFERENCES teams (id),
    created_at        INTEGER NOT NULL,
    created_by        INTEGER NOT NULL REFERENCES users (id),
    FOREIGN KEY (pathway, version) REFERENCES workflow_definitions (pathway, version)
);
CREATE INDEX cases_person ON cases (person_id);
CREATE INDEX cases_allocated ON cases (allocated_user_id, status);

-- Each step a case has started. A step is a task until it is completed; its
-- due instant is fixed when it starts (workflow_step_due over the case's
-- events at that moment). Steps needing a manager wait in
-- awaiting_authorisation; approval completes them, return sends them back to
-- draft. A step left open when its case closes is cancelled.
CREATE TABLE case_steps (
    id             INTEGER PRIMARY KEY,
    case_id        INTEGER NOT NULL REFERENCES cases (id),
    step           TEXT NOT NULL,     -- the step id in the case's definition
    status         TEXT NOT NULL CHECK (status IN ('open', 'draft', 'awaiting_authorisation',
                                                   'completed', 'cancelled')),
    started_at     INTEGER NOT NULL,  -- the "<step>.started" event
    due_at         INTEGER,           -- NULL: the step has no time limit
    answers        TEXT NOT NULL,     -- the form as a JSON object (current version or draft)
    version        INTEGER NOT NULL DEFAULT 1, -- the current version's number (step_versions)
    outcome        TEXT,              -- outcome id, once submitted
    closure_reason TEXT,              -- the closure code given with a closing outcome
    submitted_at   INTEGER,           -- when it was completed by the worker
    submitted_by   INTEGER REFERENCES users (id),
    completed_at   INTEGER,           -- the "<step>.completed" event: submission, or authorisation if needed
    completed_by   INTEGER REFERENCES users (id),
    authorised_at  INTEGER,
    authorised_by  INTEGER REFERENCES users (id),
    updated_at     INTEGER NOT NULL,
    updated_by     INTEGER REFERENCES users (id)
);
CREATE INDEX case_steps_case ON case_steps (case_id);
CREATE INDEX case_steps_open ON case_steps (status, due_at);

-- Every locked version of a step's answers: version 1 as completed, later
-- versions as changed after completion (with the reason), all kept.
CREATE TABLE step_versions (
    step_id   INTEGER NOT NULL REFERENCES case_steps (id),
    version   INTEGER NOT NULL,
    answers   TEXT NOT NULL,
    outcome   TEXT,
    reason    TEXT,               -- why it was changed after completion (NULL for version 1)
    saved_at  INTEGER NOT NULL,
    saved_by  INTEGER NOT NULL REFERENCES users (id),
    PRIMARY KEY (step_id, version)
);

-- Managers' decisions on steps awaiting authorisation.
CREATE TABLE step_reviews (
    id         INTEGER PRIMARY KEY,
    step_id    INTEGER NOT NULL REFERENCES case_steps (id),
    decision   TEXT NOT NULL CHECK (decision IN ('approve', 'return')),
    note       TEXT,
    decided_at INTEGER NOT NULL,
    decided_by INTEGER NOT NULL REFERENCES users (id)
);

-- Who has held each case, and why it moved. The open row has no to_at.
CREATE TABLE allocations (
    id       INTEGER PRIMARY KEY,
    case_id  INTEGER NOT NULL REFERENCES cases (id),
    user_id  INTEGER REFERENCES users (id),
    team_id  INTEGER REFERENCES teams (id),
    from_at  INTEGER NOT NULL,
    to_at    INTEGER,
    reason   TEXT NOT NULL,
    by_user  INTEGER NOT NULL REFERENCES users (id)
);
CREATE INDEX allocations_case ON allocations (case_id);
