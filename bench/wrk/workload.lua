-- GET /api/v1/teams/:id/workload as the manager of the largest seeded team
-- (BENCH_TEAM_ID, BENCH_MANAGER_TOKEN): every worker's open cases and tasks.
dofile("bench/wrk/common.lua")

local headers, path

function init(args)
  headers = bearer("BENCH_MANAGER_TOKEN")
  local team = assert(os.getenv("BENCH_TEAM_ID"), "BENCH_TEAM_ID is not set")
  path = "/api/v1/teams/" .. team .. "/workload"
end

function request()
  return wrk.format("GET", path, headers)
end
