-- 0011: indexes found missing by seeding ten years of a county's work
-- (casework seed, issue 7). Recording a front-door decision looks the
-- contact's person up by the case it opened (steps.c, record_decision);
-- without this index every decision scanned all of contact_people.
CREATE INDEX contact_people_case ON contact_people (case_id);
