-- 0002: people. One person record is the spine of social care; every later
-- record hangs off people.id. Dates of the person's life are civil dates as
-- TEXT 'YYYY-MM-DD' (no time zone); instants are INTEGER seconds UTC.
-- Coded values hold codes from config/codes/<list>.txt; labels live there.

CREATE TABLE people (
    id                 INTEGER PRIMARY KEY,  -- the casework person id, shown as the local id
    legacy_id          TEXT UNIQUE,          -- an id from a previous system, if migrated
    forenames          TEXT NOT NULL,        -- all given names, as the person uses them
    surname            TEXT NOT NULL,
    preferred_name     TEXT,
    dob                TEXT,                 -- date of birth
    dob_estimated      INTEGER NOT NULL DEFAULT 0 CHECK (dob_estimated IN (0, 1)),
    expected_dob       TEXT,                 -- unborn child: expected date of birth
    dod                TEXT,                 -- date of death
    nhs_number         TEXT,                 -- 10 digits, modulus 11 checked
    upn                TEXT,                 -- unique pupil number, check letter checked
    upn_unknown        TEXT,                 -- UN1..UN10 when there is no UPN (upn_unknown.txt)
    sex                TEXT,                 -- sex.txt (CIN census M/F/U)
    gender             TEXT,                 -- gender.txt (NHS person stated gender)
    ethnicity          TEXT,                 -- ethnicity.txt (DfE codes)
    language           TEXT,                 -- language.txt (first language)
    religion           TEXT,                 -- religion.txt
    immigration_status TEXT,                 -- immigration_status.txt (includes UASC)
    restricted         INTEGER NOT NULL DEFAULT 0 CHECK (restricted IN (0, 1)),
    merged_into        INTEGER REFERENCES people (id), -- set when merged away; reads follow it
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    created_by         INTEGER REFERENCES users (id)
);
CREATE INDEX people_nhs ON people (nhs_number);
CREATE INDEX people_upn ON people (upn);
CREATE INDEX people_merged ON people (merged_into);

-- Previous and alternative names, kept with dates: a name is never overwritten;
-- the old one moves here when it changes.
CREATE TABLE person_names (
    id         INTEGER PRIMARY KEY,
    person_id  INTEGER NOT NULL REFERENCES people (id),
    kind       TEXT NOT NULL CHECK (kind IN ('previous', 'alternative')),
    forenames  TEXT NOT NULL,
    surname    TEXT NOT NULL,
    from_date  TEXT,
    to_date    TEXT,
    created_at INTEGER NOT NULL,
    created_by INTEGER REFERENCES users (id)
);
CREATE INDEX person_names_person ON person_names (person_id);

-- Disabilities (disability.txt codes); several per person.
CREATE TABLE person_disabilities (
    person_id INTEGER NOT NULL REFERENCES people (id),
    code      TEXT NOT NULL,
    PRIMARY KEY (person_id, code)
);

-- Addresses with their dates; history is kept (to_date set, never deleted).
CREATE TABLE addresses (
    id         INTEGER PRIMARY KEY,
    person_id  INTEGER NOT NULL REFERENCES people (id),
    line1      TEXT NOT NULL,
    line2      TEXT,
    town       TEXT,
    postcode   TEXT,                -- normalised 'AA9A 9AA'
    uprn       TEXT,                -- unique property reference number, optional
    from_date  TEXT,
    to_date    TEXT,
    created_at INTEGER NOT NULL,
    created_by INTEGER REFERENCES users (id)
);
CREATE INDEX addresses_person ON addresses (person_id);
CREATE INDEX addresses_postcode ON addresses (postcode);

-- Phone numbers and email addresses.
CREATE TABLE contact_methods (
    id        INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people (id),
    kind      TEXT NOT NULL CHECK (kind IN ('phone', 'email')),
    label     TEXT NOT NULL,        -- home, mobile, work, other
    value     TEXT NOT NULL,
    preferred INTEGER NOT NULL DEFAULT 0 CHECK (preferred IN (0, 1)),
    created_at INTEGER NOT NULL
);
CREATE INDEX contact_methods_person ON contact_methods (person_id);

-- Search keys (see domain/matching): normalised name tokens, phonetic keys,
-- dates, identifiers and postcodes, so search finds candidates by index and
-- ranks only those. Rebuilt for a person whenever their record changes.
CREATE TABLE person_keys (
    key       TEXT NOT NULL,
    person_id INTEGER NOT NULL REFERENCES people (id),
    PRIMARY KEY (key, person_id)
) WITHOUT ROWID;
CREATE INDEX person_keys_person ON person_keys (person_id);

-- Explicit per-record grants that let a user see a restricted record.
CREATE TABLE person_grants (
    person_id  INTEGER NOT NULL REFERENCES people (id),
    user_id    INTEGER NOT NULL REFERENCES users (id),
    granted_by INTEGER REFERENCES users (id),
    granted_at INTEGER NOT NULL,
    reason     TEXT NOT NULL,
    PRIMARY KEY (person_id, user_id)
);
