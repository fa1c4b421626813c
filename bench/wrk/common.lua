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

-- The Authorization header for the token in the environment variable name
-- (default BENCH_TOKEN).
function bearer(name)
  name = name or "BENCH_TOKEN"
  local token = os.getenv(name)
  assert(token and token ~= "", name .. " is not set")
  return { ["Authorization"] = "Bearer " .. token }
end

-- The non-empty lines of the file path names (asserted readable and non-empty).
function lines(path)
  local file = assert(io.open(path or "", "r"), "cannot read " .. tostring(path))
  local out = {}
  for line in file:lines() do
    if line ~= "" then out[#out + 1] = line end
  end
  file:close()
  assert(#out > 0, tostring(path) .. " is empty")
  return out
end
