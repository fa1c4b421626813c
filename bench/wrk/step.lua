-- POST /api/v1/steps/:id/complete: a front-door decision on the contacts the
-- contact script recorded (open step ids in BENCH_STEPS, one a line, each
-- completed once: wrk thread n of N takes the n-th, n+N-th... ids), with the
-- body in BENCH_STEP_BODY (built by bench/stepbody.mjs from the definition).
-- bench/run.sh lists the open ones again before every run.
dofile("bench/wrk/common.lua")

local headers, ids, body, next_index, stride = nil, {}, nil, 1, 1

function init(args)
  headers = bearer("BENCH_TRAY_TOKEN")
  headers["Content-Type"] = "application/json"
  ids = lines(os.getenv("BENCH_STEPS"))
  local f = assert(io.open(os.getenv("BENCH_STEP_BODY") or "", "r"), "BENCH_STEP_BODY is not readable")
  body = f:read("*a")
  f:close()
  stride = tonumber(os.getenv("BENCH_THREADS_WRK") or "1")
  next_index = thread_number or 1
end

function request()
  local id = ids[next_index]
  next_index = next_index + stride
  if not id then
    -- Out of open steps: this thread stops (its last request a health check)
    -- rather than complete a step twice; the run's requests/s is then low.
    wrk.thread:stop()
    return wrk.format("GET", "/health")
  end
  return wrk.format("POST", "/api/v1/steps/" .. id .. "/complete", headers, body)
end
