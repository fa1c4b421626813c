-- 0012: single-task reallocation (issue 4): a manager gives one unfinished step
-- of a case to another worker, with a reason; the step shows in that worker's tray.

-- A single task (an unfinished step) given to a worker other than the one
-- who holds its case: a manager's reallocation of one task (a section 47
-- visit by the duty worker, say). NULL: the case's worker does it. The
-- assignee's tray has it instead of the holder's.
ALTER TABLE case_steps ADD COLUMN assigned_user_id INTEGER REFERENCES users (id);
CREATE INDEX case_steps_assigned ON case_steps (assigned_user_id, status)
    WHERE assigned_user_id IS NOT NULL;

-- Who has been given each single task, and why (the case's own history is
-- allocations). The open row has no to_at.
CREATE TABLE step_allocations (
    id       INTEGER PRIMARY KEY,
    step_id  INTEGER NOT NULL REFERENCES case_steps (id),
    user_id  INTEGER REFERENCES users (id), -- NULL: back to the case's worker
    from_at  INTEGER NOT NULL,
    to_at    INTEGER,
    reason   TEXT NOT NULL,
    by_user  INTEGER NOT NULL REFERENCES users (id)
);
CREATE INDEX step_allocations_step ON step_allocations (step_id);
CREATE INDEX step_allocations_user ON step_allocations (user_id);
