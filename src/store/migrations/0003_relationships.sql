-- 0003: relationships between people, and professionals involved with them.
-- One row states one relationship from person_id's side ("A is mother of B":
-- person_id A, type 'mother', related_id B); the other side is derived from the
-- type's inverse in config/codes/relationship_inverse.txt, so it can never
-- disagree. A professional involvement (a worker, a school, a GP) has no person
-- record: related_id is NULL and professional_name says who. Ended
-- relationships keep their row with to_date set (history is kept).
CREATE TABLE relationships (
    id                INTEGER PRIMARY KEY,
    person_id         INTEGER NOT NULL REFERENCES people (id),
    related_id        INTEGER REFERENCES people (id),
    type              TEXT NOT NULL,      -- relationship.txt code, read "person is <type> of related"
    professional_name TEXT,               -- for professional involvement only
    professional_org  TEXT,
    from_date         TEXT,
    to_date           TEXT,
    created_at        INTEGER NOT NULL,
    created_by        INTEGER REFERENCES users (id),
    CHECK ((related_id IS NULL) <> (professional_name IS NULL)),
    CHECK (related_id IS NULL OR related_id <> person_id)
);
CREATE INDEX relationships_person ON relationships (person_id);
CREATE INDEX relationships_related ON relationships (related_id);
