-- cycle.lua: wrk script for the cold run and for /suggest. Every request
-- is GET TARGET..Q with Q taken from a file in order, round and round (one
-- per line, '#' lines and blank lines skipped); each wrk thread starts at
-- its own offset so that connections do not ask the same thing at the same
-- moment (which would favour any request coalescing or OS caching).
--
--   wrk -t2 -c16 -d10s --latency -s cycle.lua http://127.0.0.1:PORT -- FILE [TARGET]
--
-- TARGET defaults to "/search?q=" (bench_suggest.sh: "/suggest?limit=8&q=").
-- The requests are formatted once in init(), so request() costs nothing.

local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local lib = dofile(here .. "lib.lua")

setup = lib.number_threads

function init(args)
  local path = args[1] or error("usage: wrk ... -s cycle.lua URL -- FILE [TARGET]")
  reqs = lib.requests(path, args[2] or "/search?q=")
  -- a prime stride spreads the threads' start points over the list
  pos = ((thread_id or 0) * 37) % #reqs
end

function request()
  pos = pos % #reqs + 1
  return reqs[pos]
end
