-- GET /api/v1/people/:id for random ids 1..BENCH_MAX_ID, with an API token:
-- a full person read, which writes its person.view audit row.
dofile("bench/wrk/common.lua")

local headers, max_id

function init(args)
  math.randomseed(1000 + (thread_number or 0))
  headers = bearer()
  max_id = tonumber(os.getenv("BENCH_MAX_ID"))
  assert(max_id and max_id > 0, "BENCH_MAX_ID is not set")
end

function request()
  return wrk.format("GET", "/api/v1/people/" .. math.random(1, max_id), headers)
end
