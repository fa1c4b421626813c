-- Step facts (domain/step_facts.c): the few answers the statutory returns
-- read, kept beside each step so the census reads a narrow index clustered by
-- case rather than every step's whole form scattered through the database.
-- Steps written before this migration get theirs here, from the same list of
-- names (test_step_facts checks the two lists agree); every later write of
-- answers writes facts with them.
ALTER TABLE case_steps ADD COLUMN facts TEXT NOT NULL DEFAULT '{}';

UPDATE case_steps SET facts = (
    SELECT json_group_object(key, CASE type WHEN 'true' THEN json('true')
                                            WHEN 'false' THEN json('false') ELSE value END)
    FROM json_each(case_steps.answers)
    WHERE key IN ('closed_on', 'factors', 'held_on', 'initial_category', 'latest_category',
                  'previous_plans', 'primary_need', 'start_date', 'started_on', 'upn_unknown'))
WHERE EXISTS (
    SELECT 1 FROM json_each(case_steps.answers)
    WHERE key IN ('closed_on', 'factors', 'held_on', 'initial_category', 'latest_category',
                  'previous_plans', 'primary_need', 'start_date', 'started_on', 'upn_unknown'));

-- The copy-forward index (0016) grows to cover what the census reads of a
-- step, so reading a case's steps for the return never touches the table.
DROP INDEX case_steps_case_step;
CREATE INDEX case_steps_case_step ON case_steps (case_id, step, status, started_at, completed_at, authorised_at, outcome, facts);

-- The census's cases (0010) likewise: the year's cases with their child,
-- contact and closure reason without reading each case row.
DROP INDEX cases_pathway_closed;
CREATE INDEX cases_pathway_closed ON cases (pathway, closed_at, person_id, contact_id, closure_reason);
