-- 0007: indexes for trays and workload at county scale (about 1,500 workers,
-- millions of steps). Each tray and workload query starts from the cases a
-- worker or team holds, then takes their unfinished steps by case; without
-- these the planner would walk every open step in the county.

-- Cases a team holds with no worker (new contacts wait here, in the
-- front-door team's tray) and cases no one holds (team and worker both NULL).
-- Open cases only: closed ones pile up over the years and are never in a tray.
CREATE INDEX cases_team_open ON cases (allocated_team_id, allocated_user_id)
    WHERE status = 'open';

-- A case's steps in a given state (a tray wants the unfinished ones of each
-- case it holds). Supersedes case_steps_case (case_id), which it covers.
CREATE INDEX case_steps_case_status ON case_steps (case_id, status);
DROP INDEX case_steps_case;

-- Allocation history by worker (issue #5, legitimate relationships, asks
-- "has this user held a case of this person"): allocations by user, then the
-- case, whose person_id is on cases.
CREATE INDEX allocations_user ON allocations (user_id, case_id);
