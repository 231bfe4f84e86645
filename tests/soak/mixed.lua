-- mixed.lua: the soak test's wrk load (tests/soak/soak.py). Every query of
-- a file (one per line, '#' and blank lines skipped) becomes five valid
-- requests: a plain search, a later page, a date range, a source filter
-- and the suggestions for its first word; /health now and then. Every
-- one must be answered 2xx. Threads start at different places of the list.
--
--   wrk -t2 -c64 -d600s -s mixed.lua http://127.0.0.1:PORT -- FILE

local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local lib = dofile(here .. "../../bench/wrk/lib.lua")

setup = lib.number_threads

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
