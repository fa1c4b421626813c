-- 0015: information governance, the remaining items of issue 5.

-- A manager's grant of need-to-know access: a named worker may open a
-- person's record as if they had a legitimate relationship with it (rule 5
-- of docs/GOVERNANCE.md), until it expires or is revoked. Unlike
-- person_grants (an administrator's grant that opens a restricted record)
-- it never opens a restricted record. Rows are kept when revoked, so the
-- record's access page shows the history.
CREATE TABLE access_grants (
    id         INTEGER PRIMARY KEY,
    person_id  INTEGER NOT NULL REFERENCES people (id),
    user_id    INTEGER NOT NULL REFERENCES users (id),   -- who may open the record
    granted_by INTEGER NOT NULL REFERENCES users (id),
    granted_at INTEGER NOT NULL,                          -- instant (UTC seconds)
    reason     TEXT NOT NULL,
    expires_at INTEGER NOT NULL,                          -- instant: the end of the expiry day (London)
    revoked_at INTEGER,                                   -- NULL while in force
    revoked_by INTEGER REFERENCES users (id)
);
CREATE INDEX access_grants_person ON access_grants (person_id, user_id);

-- Periods in which a child was looked after (Children Act 1989 s.22: in care
-- under an order, or accommodated), each with its legal status from
-- config/codes/legal_status.txt. Retention's looked_after rule (75th
-- birthday) applies to anyone with at least one period.
CREATE TABLE looked_after_periods (
    id           INTEGER PRIMARY KEY,
    person_id    INTEGER NOT NULL REFERENCES people (id),
    legal_status TEXT NOT NULL,      -- code from legal_status.txt
    started_on   TEXT NOT NULL,      -- civil date YYYY-MM-DD
    ended_on     TEXT,               -- civil date, NULL while looked after
    recorded_at  INTEGER NOT NULL,
    recorded_by  INTEGER NOT NULL REFERENCES users (id)
);
CREATE INDEX looked_after_periods_person ON looked_after_periods (person_id);
