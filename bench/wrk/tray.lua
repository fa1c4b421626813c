-- GET /api/v1/tray as a worker with a full caseload (BENCH_TRAY_TOKEN: the
-- seeded practitioner whose open cases are nearest 40): their open steps by
-- due date.
dofile("bench/wrk/common.lua")

local headers

function init(args)
  headers = bearer("BENCH_TRAY_TOKEN")
end

function request()
  return wrk.format("GET", "/api/v1/tray", headers)
end
