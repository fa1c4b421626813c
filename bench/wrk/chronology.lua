-- GET /api/v1/people/:id/chronology for people who have had cases (ids in
-- BENCH_CASE_PEOPLE, one a line): contacts, cases, steps, allocations and
-- notes merged newest first, with its audit row.
dofile("bench/wrk/common.lua")

local headers, ids = nil, {}

function init(args)
  math.randomseed(3000 + (thread_number or 0))
  headers = bearer("BENCH_MANAGER_TOKEN")
  ids = lines(os.getenv("BENCH_CASE_PEOPLE"))
end

function request()
  return wrk.format("GET", "/api/v1/people/" .. ids[math.random(1, #ids)] .. "/chronology", headers)
end
