-- zipf.lua: wrk script for the warm run. Every request is GET /search?q=Q
-- with Q drawn from a query file with a Zipf distribution over its lines
-- (line 1 the most popular, weight 1/rank^s), as a search box sees them:
-- a few queries asked over and over, a long tail asked once or twice.
--
--   wrk -t2 -c16 -d10s --latency -s zipf.lua http://127.0.0.1:PORT -- QUERY_FILE [S] [SEED]
--
-- S is the exponent (default 1.0). SEED (default 1) seeds each thread's
-- generator as SEED + thread number, so two runs send the same sequence.
-- The CDF and the requests are built once in init(); request() is a binary
-- search over the CDF.

local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local lib = dofile(here .. "lib.lua")

setup = lib.number_threads

function init(args)
  local path = args[1] or error("usage: wrk ... -s zipf.lua URL -- QUERY_FILE [S] [SEED]")
  local s = tonumber(args[2] or "1.0")
  local seed = tonumber(args[3] or "1")
  reqs, cdf = lib.requests(path, "/search?q="), {}
  local sum = 0
  for i = 1, #reqs do
    sum = sum + 1 / i ^ s
    cdf[i] = sum
  end
  for i = 1, #cdf do
    cdf[i] = cdf[i] / sum
  end
  cdf[#cdf] = 1.0
  math.randomseed(seed + (thread_id or 0))
end

-- The first index whose CDF value is >= r.
local function draw(r)
  local lo, hi = 1, #cdf
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    if cdf[mid] < r then lo = mid + 1 else hi = mid end
  end
  return lo
end

function request()
  return reqs[draw(math.random())]
end
