-- GET /api/v1/people?q=... with the queries a front door types, built from
-- seeded people (BENCH_PEOPLE: a file of "forenames<TAB>surname<TAB>dob
-- <TAB>nhs<TAB>postcode" lines): a surname alone; a forename and surname
-- with two letters transposed (a typo); a date of birth as dd/mm/yyyy; an
-- NHS number grouped 3-3-4; a postcode. One of the five at random.
dofile("bench/wrk/common.lua")

local headers, paths = nil, {}

local function urlencode(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

-- Swap two adjacent ASCII letters after the first (a transposition typo).
local function transpose(word)
  if #word < 4 or word:find("[\128-\255]") then return word end
  local i = math.random(2, #word - 1)
  return word:sub(1, i - 1) .. word:sub(i + 1, i + 1) .. word:sub(i, i) .. word:sub(i + 2)
end

function init(args)
  math.randomseed(2000 + (thread_number or 0))
  headers = bearer()
  local file = assert(io.open(os.getenv("BENCH_PEOPLE") or "", "r"), "BENCH_PEOPLE is not readable")
  for line in file:lines() do
    local forenames, surname, dob, nhs, postcode = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)$")
    if forenames then
      local first = forenames:match("^(%S+)")
      local y, m, d = dob:match("^(%d+)-(%d+)-(%d+)$")
      local queries = { surname, first .. " " .. transpose(surname) }
      if y then queries[#queries + 1] = d .. "/" .. m .. "/" .. y end
      if #nhs == 10 then queries[#queries + 1] = nhs:sub(1, 3) .. " " .. nhs:sub(4, 6) .. " " .. nhs:sub(7) end
      if #postcode > 0 then queries[#queries + 1] = postcode end
      local q = queries[math.random(1, #queries)]
      paths[#paths + 1] = "/api/v1/people?q=" .. urlencode(q)
    end
  end
  file:close()
  assert(#paths > 0, "no people in BENCH_PEOPLE")
end

function request()
  return wrk.format("GET", paths[math.random(1, #paths)], headers)
end
