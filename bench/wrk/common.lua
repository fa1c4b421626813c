-- Shared by the bench/wrk scripts: one machine-readable line when wrk ends,
-- read by bench/run.sh. Latencies are in microseconds; "errors" counts
-- socket errors, timeouts and non-2xx/3xx answers together.
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d seconds=%.3f rps=%.1f p50_us=%d p99_us=%d max_us=%d errors=%d non2xx=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(99), latency.max,
    e.connect + e.read + e.write + e.status + e.timeout, e.status))
end

-- Each wrk thread gets its own random sequence (wrk runs every thread's
-- script in its own Lua state).
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

function bearer()
  local token = os.getenv("BENCH_TOKEN")
  assert(token and token ~= "", "BENCH_TOKEN is not set")
  return { ["Authorization"] = "Bearer " .. token }
end
