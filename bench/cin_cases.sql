-- Ten years of children's cases for the CIN census benchmark (bench/cin.sh), written
-- straight into a seeded database with SQL: about 16,000 referrals a year from
-- 2016-04-01 to 2026-03-31 on randomly chosen children, each with the steps of one of
-- four routes (referral with no further action; assessment then closure; assessment,
-- CIN plan and reviews; strategy discussion, section 47, conference, CP plan and
-- reviews). Only for measuring how long the return takes to read and write: the data
-- is shaped like the pathway's (children.v2 answers, steps in order, closures with DfE
-- reasons) but it is not made through the domain, so its audit chain is not extended.
-- casework seed (src/seed) is the place for realistic data.
PRAGMA foreign_keys = OFF;
BEGIN;

INSERT OR IGNORE INTO workflow_definitions (pathway, version, hash, text, stored_at)
VALUES ('children', 2, 'bench', '{}', 0);

CREATE TEMP TABLE kids (n INTEGER PRIMARY KEY, id INTEGER NOT NULL);
INSERT INTO kids (n, id)
SELECT row_number() OVER (ORDER BY random()), id FROM people
WHERE dob BETWEEN '2008-01-01' AND '2015-12-31' AND merged_into IS NULL;

-- What the census needs of the person record, where the seeded population lacks it
-- (the seed does not yet record it for every child): a disability row (NONE), an
-- ethnicity (NOBT: not yet obtained), a sex, and a UPN-unknown reason where there is no
-- UPN or the UPN is shared with a planted near-duplicate (UN5: records disagree).
INSERT OR IGNORE INTO person_disabilities (person_id, code)
SELECT id, 'NONE' FROM kids WHERE id NOT IN (SELECT person_id FROM person_disabilities);
UPDATE people SET ethnicity = 'NOBT' WHERE ethnicity IS NULL AND id IN (SELECT id FROM kids);
UPDATE people SET sex = 'U' WHERE sex IS NULL AND id IN (SELECT id FROM kids);
UPDATE people SET upn = NULL, upn_unknown = 'UN5'
WHERE id IN (SELECT id FROM kids) AND upn IN (SELECT upn FROM people GROUP BY upn HAVING count(*) > 1);
UPDATE people SET upn_unknown = 'UN2'
WHERE id IN (SELECT id FROM kids) AND upn IS NULL AND upn_unknown IS NULL;

-- One row per referral: i from 1 to 160,000, spread evenly over ten years.
CREATE TEMP TABLE plan AS
WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < 160000)
SELECT i,
       (SELECT id FROM kids WHERE n = 1 + (i * 7919) % (SELECT max(n) FROM kids)) AS person_id,
       1459468800 + 86400 * ((i - 1) * 3652 / 160000) + 28800 + (i * 1973) % 28800
           AS received_at,                -- 2016-04-01 onwards, 08:00 to 16:00 UTC
       i % 10 AS route,                                      -- 0-2 NFA, 3-5 assess, 6-7 CIN plan, 8-9 CP
       CASE WHEN i % 10 < 3 THEN 0 ELSE 31 + (i * 37) % 300 END AS days -- how long the episode lasts
FROM seq;

INSERT INTO contacts (id, pathway, received_at, referrer_name, source, concern, created_at, created_by)
SELECT 1000000 + i, 'children', received_at, 'Bench referrer',
       CASE i % 5 WHEN 0 THEN '2A' WHEN 1 THEN '3A' WHEN 2 THEN '6' WHEN 3 THEN '1A' ELSE '5A' END,
       'Bench concern.', received_at, 1
FROM plan;

INSERT INTO cases (id, person_id, contact_id, pathway, version, received_at, status, closed_at,
                   closure_reason, created_at, created_by)
SELECT 1000000 + i, person_id, 1000000 + i, 'children', 2, received_at,
       CASE WHEN received_at + days * 86400 + 7200 < 1775001600 THEN 'closed' ELSE 'open' END,
       CASE WHEN received_at + days * 86400 + 7200 < 1775001600 THEN received_at + days * 86400 + 7200 END,
       CASE WHEN received_at + days * 86400 + 7200 >= 1775001600 THEN NULL
            WHEN route < 3 THEN 'RC7' WHEN route < 6 THEN 'RC8' ELSE 'RC7' END,
       received_at, 1
FROM plan;

-- steps(case, step, status, started, completed, outcome, answers)
CREATE TEMP TABLE s (case_id, step, status, started_at, completed_at, authorised_at, outcome, answers);

INSERT INTO s SELECT 1000000 + i, 'contact', 'completed', received_at, received_at + 3600, NULL,
  'referral', json_object('referral_source', CASE i % 5 WHEN 0 THEN '2A' WHEN 1 THEN '3A'
                          WHEN 2 THEN '6' WHEN 3 THEN '1A' ELSE '5A' END)
FROM plan;
INSERT INTO s SELECT 1000000 + i, 'referral', 'completed', received_at + 3600, received_at + 7200,
  NULL, CASE WHEN route < 3 THEN 'nfa' WHEN route < 8 THEN 'assessment' ELSE 'strategy_discussion' END,
  json_object('summary', 'Referral.', 'primary_need', 'N' || (1 + i % 8))
FROM plan;
INSERT INTO s SELECT 1000000 + i, 'assessment',
  CASE WHEN received_at + 20 * 86400 < 1775001600 THEN 'completed' ELSE 'open' END,
  received_at + 86400, received_at + 20 * 86400, received_at + 20 * 86400,
  CASE WHEN route < 6 THEN 'nfa' WHEN route < 8 THEN 'cin_plan' ELSE 'section47_continues' END,
  json_object('started_on', date(received_at + 86400, 'unixepoch'), 'factors',
              json_array(CASE i % 4 WHEN 0 THEN '3A' WHEN 1 THEN '4B' WHEN 2 THEN '2B' ELSE '16A' END),
              'primary_need', 'N' || (1 + i % 8))
FROM plan WHERE route >= 3 AND days > 20;
INSERT INTO s SELECT 1000000 + i, 'section47', 'completed', received_at + 86400, received_at + 5 * 86400,
  received_at + 5 * 86400, 'icpc', json_object('started_on', date(received_at + 86400, 'unixepoch'))
FROM plan WHERE route >= 8 AND days > 30;
INSERT INTO s SELECT 1000000 + i, 'icpc', 'completed', received_at + 5 * 86400, received_at + 12 * 86400,
  NULL, 'cp_plan', json_object('held_on', date(received_at + 12 * 86400, 'unixepoch', 'weekday 1'))
FROM plan WHERE route >= 8 AND days > 30;
INSERT INTO s SELECT 1000000 + i, 'cp_plan', 'completed', received_at + 12 * 86400, received_at + 14 * 86400,
  NULL, 'reviews', json_object('initial_category', CASE i % 4 WHEN 0 THEN 'NEG' WHEN 1 THEN 'EMO'
                                WHEN 2 THEN 'PHY' ELSE 'SAB' END, 'previous_plans', i % 2)
FROM plan WHERE route >= 8 AND days > 30;
INSERT INTO s SELECT 1000000 + i, 'review_conference', 'completed', received_at + 15 * 86400,
  received_at + (days - 5) * 86400, NULL, 'close',
  json_object('held_on', date(received_at + (days - 5) * 86400, 'unixepoch'), 'latest_category', 'NEG')
FROM plan WHERE route >= 8 AND days > 30 AND received_at + days * 86400 + 7200 < 1775001600;
INSERT INTO s SELECT 1000000 + i, 'cin_plan', 'completed', received_at + 20 * 86400,
  received_at + 22 * 86400, received_at + 22 * 86400, 'reviews',
  json_object('start_date', date(received_at + 22 * 86400, 'unixepoch'))
FROM plan WHERE route IN (6, 7) AND days > 30 AND received_at + 22 * 86400 < 1775001600;
INSERT INTO s SELECT 1000000 + i, 'cin_review', 'completed', received_at + 22 * 86400,
  received_at + (days - 5) * 86400, NULL, 'close',
  json_object('held_on', date(received_at + (days - 5) * 86400, 'unixepoch'))
FROM plan WHERE route IN (6, 7) AND days > 30 AND received_at + days * 86400 + 7200 < 1775001600;
INSERT INTO s SELECT 1000000 + i, 'closure', 'completed', received_at + (days - 1) * 86400,
  received_at + days * 86400 + 7200, received_at + days * 86400 + 7200, 'closed',
  json_object('closed_on', date(received_at + days * 86400 + 7200, 'unixepoch'))
FROM plan WHERE received_at + days * 86400 + 7200 < 1775001600;

-- facts (src/domain/step_facts.c): every answer above but the referral's source
-- and summary is one the census reads.
INSERT INTO case_steps (case_id, step, status, started_at, answers, facts, outcome, completed_at,
                        authorised_at, updated_at)
SELECT case_id, step, status, started_at, answers,
       json_remove(answers, '$.referral_source', '$.summary'), CASE WHEN status = 'completed' THEN outcome END,
       CASE WHEN status = 'completed' THEN completed_at END,
       CASE WHEN status = 'completed' THEN authorised_at END, started_at
FROM s ORDER BY case_id, started_at;

COMMIT;
ANALYZE;
