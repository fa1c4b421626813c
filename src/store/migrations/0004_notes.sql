-- 0004: case notes. A note records one event in a person's life or case (a
-- home visit, a phone call, supervision...) in the practitioner's words.
-- Notes are never deleted and never silently rewritten: the author may
-- correct the current version in place for note_edit_minutes after saving it;
-- after that an edit adds a new version, and every version is kept.

-- One row per note: its current version, copied from note_versions so lists
-- and search read one row.
CREATE TABLE notes (
    id          INTEGER PRIMARY KEY,
    person_id   INTEGER NOT NULL REFERENCES people (id),  -- whom the note is about
    type        TEXT NOT NULL,       -- note_type.txt code (current version)
    occurred_on TEXT NOT NULL,       -- civil date of the event 'YYYY-MM-DD' (current version)
    body        TEXT NOT NULL,       -- the text, 1..20000 characters (current version)
    version     INTEGER NOT NULL,    -- number of the current version, from 1
    author_id   INTEGER NOT NULL REFERENCES users (id), -- who wrote it; only they edit it
    created_at  INTEGER NOT NULL,    -- instant the note was first saved
    updated_at  INTEGER NOT NULL     -- instant of the last change of any kind
);
CREATE INDEX notes_person ON notes (person_id, occurred_on);

-- Every version of every note. Version 1 is the note as first written; a
-- correction inside the edit window changes the current version's row (and
-- bumps updated_at); an edit after it adds the next version.
CREATE TABLE note_versions (
    note_id     INTEGER NOT NULL REFERENCES notes (id),
    version     INTEGER NOT NULL,
    type        TEXT NOT NULL,
    occurred_on TEXT NOT NULL,
    body        TEXT NOT NULL,
    saved_by    INTEGER NOT NULL REFERENCES users (id),
    created_at  INTEGER NOT NULL,    -- when this version was first saved (starts the edit window)
    updated_at  INTEGER NOT NULL,    -- when it was last corrected in place (= created_at if never)
    corrections INTEGER NOT NULL DEFAULT 0, -- how many times it was corrected in place
    PRIMARY KEY (note_id, version)
);

-- Full-text index of the current text of each note (SQLite FTS5; the only
-- backend-specific table). External content: the text itself stays in
-- notes.body and the index holds only tokens, keyed by notes.id. The domain
-- code (domain/notes.c) keeps it in step in the same transaction as every
-- change to notes.body; there are no triggers, so the PostgreSQL backend can
-- use a tsvector column instead. porter stemming: "visits" finds "visit".
CREATE VIRTUAL TABLE notes_fts USING fts5 (
    body,
    content = 'notes',
    content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
