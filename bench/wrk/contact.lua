-- POST /api/v1/contacts: a front-door worker records a contact about a
-- seeded child (ids in BENCH_CHILDREN), which opens a case and its first
-- step in one durable transaction.
dofile("bench/wrk/common.lua")

local headers, ids = nil, {}

function init(args)
  math.randomseed(4000 + (thread_number or 0))
  headers = bearer("BENCH_TRAY_TOKEN")
  headers["Content-Type"] = "application/json"
  ids = lines(os.getenv("BENCH_CHILDREN"))
end

function request()
  local body = string.format(
    '{"children":[{"person_id":%s}],"referrer":{"name":"Sam Ashdown","role":"Designated '
      .. 'safeguarding lead","organisation":"Ashby Primary School","contact":"07700 900123"},'
      .. '"source":"%s","concern":"Child arrived at school hungry (benchmark %d)."}',
    ids[math.random(1, #ids)], os.getenv("BENCH_SOURCE") or "1A", math.random(1, 1000000))
  return wrk.format("POST", "/api/v1/contacts", headers, body)
end
