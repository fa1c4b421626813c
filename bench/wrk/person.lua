-- GET /api/v1/people/:id as the largest team's manager, for people whose
-- cases the team holds (ids in BENCH_CASE_PEOPLE; need-to-know refuses others
-- without a reason): a full person read, which writes its person.view audit row.
dofile("bench/wrk/common.lua")

local headers, ids = nil, {}

function init(args)
  math.randomseed(1000 + (thread_number or 0))
  headers = bearer("BENCH_MANAGER_TOKEN")
  ids = lines(os.getenv("BENCH_CASE_PEOPLE"))
end

function request()
  return wrk.format("GET", "/api/v1/people/" .. ids[math.random(1, #ids)], headers)
end
