-- The reference for the census's read (bench/cin.sh): the statements of
-- src/returns/cin_load.c, with the 2025-26 year's bounds, run by the sqlite3
-- shell with their rows thrown away. What SQLite alone takes to produce the
-- rows casework then assembles; keep in step with cin_load.c.
.parameter init
.parameter set :until 1774998000
.parameter set :since 1743462000
.output /dev/null
.timer on
SELECT c.id, c.person_id, c.closed_at, c.closure_reason, r.id, r.started_at, r.outcome,
       r.facts, co.source, p.dob, p.expected_dob, p.dod, p.upn, p.upn_unknown, p.sex, p.ethnicity
FROM cases c CROSS JOIN case_steps r CROSS JOIN people p
LEFT JOIN contacts co ON co.id = c.contact_id WHERE r.case_id = c.id AND p.id = c.person_id
AND c.pathway = 'children' AND r.step = 'referral' AND r.started_at < :until
AND (c.closed_at IS NULL OR c.closed_at >= :since) ORDER BY c.id, r.id;
SELECT s.case_id, s.id, s.step, s.status, s.started_at, s.completed_at, s.authorised_at,
       s.outcome, s.facts FROM case_steps r JOIN cases c ON c.id = r.case_id
JOIN case_steps s ON s.case_id = c.id WHERE c.pathway = 'children' AND r.step = 'referral'
AND r.started_at < :until AND (c.closed_at IS NULL OR c.closed_at >= :since)
AND s.step IN ('assessment', 'section47', 'icpc', 'cp_plan', 'review_conference', 'cin_plan',
               'cin_review', 'closure') AND s.status <> 'cancelled'
ORDER BY s.case_id, s.started_at, s.id;
SELECT person_id, code FROM person_disabilities ORDER BY person_id, code;
