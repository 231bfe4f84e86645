-- mixed.lua: the soak test's wrk load (tests/soak/soak.py). Every query of
-- a file (one per line, '#' and blank lines skipped) becomes five valid
-- requests: a plain search, a later page, a date range, a source filter
-- and the suggestions for its first word; /health now and then. Every
-- one must be answered 2xx (the first 20 others are printed as "bad STATUS:
-- BODY" at the end). Threads start at different places of the list.
--
--   wrk -t2 -c64 -d600s -s mixed.lua http://127.0.0.1:PORT -- FILE

local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local lib = dofile(here .. "../../bench/wrk/lib.lua")

local threads = {}

function setup(thread)
  lib.number_threads(thread)
  threads[#threads + 1] = thread
end

function init(args)
  local path = args[1] or error("usage: wrk ... -s mixed.lua URL -- FILE")
  local enc = lib.urlencode
  reqs = {}
  for _, q in ipairs(lib.read_lines(path)) do
    local word = q:match("[%wåäöÅÄÖ]+") or "vård"
    for _, target in ipairs({
        "/search?q=" .. enc(q),
        "/search?limit=20&offset=10&q=" .. enc(q),
        "/search?from=2019-01-01&to=2031-12-31&q=" .. enc(q),
        "/search?source=RS&q=" .. enc(q),
        "/suggest?q=" .. enc(word),
    }) do
      reqs[#reqs + 1] = wrk.format("GET", target)
    end
    if #reqs % 50 == 0 then
      reqs[#reqs + 1] = wrk.format("GET", "/health")
    end
  end
  pos = ((thread_id or 0) * 37) % #reqs
end

function request()
  pos = pos % #reqs + 1
  return reqs[pos]
end

-- Answers other than 2xx: counted by status, the first few kept with the
-- start of their body, and printed at the end ("bad STATUS: BODY").
bad = {}

function response(status, headers, body)
  if status < 200 or status > 299 then
    if #bad < 20 then
      bad[#bad + 1] = status .. ": " .. (body or ""):sub(1, 200)
    end
  end
end

function done(summary, latency, requests)
  for _, t in ipairs(threads) do
    local list = t:get("bad")
    for i = 1, #list do
      io.write("bad " .. list[i]:gsub("\n", " ") .. "\n")
    end
  end
end
