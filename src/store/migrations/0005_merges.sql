-- 0005: merging duplicate person records, and undoing a merge. A merge moves
-- everything that hangs off the merged-away record to the survivor and sets
-- people.merged_into; these tables record exactly what it did, so an undo can
-- put back precisely that and nothing else (see domain/merge).

-- One merge: which record was merged into which, by whom, when and why.
-- survivor_updated_at / merged_updated_at are the records' updated_at before
-- the merge (undo restores them). audit_id is the last audit row the merge
-- wrote: a later audit row on either record (other than a view) means
-- something changed since, and the merge can no longer be undone.
CREATE TABLE merges (
    id                  INTEGER PRIMARY KEY,
    survivor_id         INTEGER NOT NULL REFERENCES people (id),
    merged_id           INTEGER NOT NULL REFERENCES people (id),
    reason              TEXT NOT NULL,
    merged_at           INTEGER NOT NULL,
    merged_by           INTEGER REFERENCES users (id),
    survivor_updated_at INTEGER NOT NULL,
    merged_updated_at   INTEGER NOT NULL,
    audit_id            INTEGER NOT NULL,
    detail              TEXT NOT NULL,    -- what moved and what was filled, in words
    undone_at           INTEGER,
    undone_by           INTEGER REFERENCES users (id),
    undo_reason         TEXT,
    CHECK (survivor_id <> merged_id)
);
CREATE INDEX merges_survivor ON merges (survivor_id);
CREATE INDEX merges_merged ON merges (merged_id);

-- Every row a merge touched, in order. action:
--   moved   column_name of row (row_id, or row_code for person_disabilities)
--           in table_name went from from_id to to_id;
--   added   the merge created the row (the merged record's name as an
--           alternative name of the survivor); undo deletes it;
--   dropped the row would have pointed a person at themself (a relationship
--           between the two records), so it was deleted; its content is in
--           merge_dropped_relationships and undo puts it back.
CREATE TABLE merge_moves (
    id          INTEGER PRIMARY KEY,
    merge_id    INTEGER NOT NULL REFERENCES merges (id),
    table_name  TEXT NOT NULL,
    column_name TEXT NOT NULL,
    row_id      INTEGER,             -- the row's id (person_grants: the user_id)
    row_code    TEXT,                -- person_disabilities: the disability code
    from_id     INTEGER,             -- people.id before (NULL for added)
    to_id       INTEGER,             -- people.id after (NULL for dropped)
    action      TEXT NOT NULL CHECK (action IN ('moved', 'added', 'dropped'))
);
CREATE INDEX merge_moves_merge ON merge_moves (merge_id);

-- The highest row id of each referencing table when the merge finished: a row
-- referencing either record with a higher id was added afterwards, and blocks
-- the undo.
CREATE TABLE merge_marks (
    merge_id   INTEGER NOT NULL REFERENCES merges (id),
    table_name TEXT NOT NULL,
    last_id    INTEGER NOT NULL,
    PRIMARY KEY (merge_id, table_name)
);

-- Fields of the survivor that were empty and were filled from the merged
-- record (value), with what the survivor held before (previous: NULL, or
-- '0' for the restricted flag). legacy_id is unique, so it moves: the merged
-- record's is cleared, and undo gives it back.
CREATE TABLE merge_fields (
    merge_id INTEGER NOT NULL REFERENCES merges (id),
    field    TEXT NOT NULL,
    value    TEXT NOT NULL,
    previous TEXT,
    PRIMARY KEY (merge_id, field)
);

-- Relationships dropped by a merge because they joined the two records
-- (they would have become self-referential): the whole row, so undo can put
-- it back with its id. person_id and related_id are deliberately not foreign
-- keys: this is an archive, not a reference to a current person.
CREATE TABLE merge_dropped_relationships (
    merge_id          INTEGER NOT NULL REFERENCES merges (id),
    id                INTEGER NOT NULL,
    person_id         INTEGER NOT NULL,
    related_id        INTEGER,
    type              TEXT NOT NULL,
    professional_name TEXT,
    professional_org  TEXT,
    from_date         TEXT,
    to_date           TEXT,
    created_at        INTEGER NOT NULL,
    created_by        INTEGER,
    PRIMARY KEY (merge_id, id)
);
