-- A step's copy-forward reads the person's last completed step of the same
-- kind (step_answers.c, SQL_LAST_OF_KIND): one seek per case of theirs for
-- that kind, instead of reading every step row of every case to test its kind.
CREATE INDEX case_steps_case_step ON case_steps (case_id, step);
