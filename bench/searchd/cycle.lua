-- cycle.lua: wrk script for the cold run. Every request is GET /search?q=Q
-- with Q taken from a query file in order, round and round; each wrk thread
-- starts at its own offset so that connections do not ask the same query at
-- the same moment (which would favour any request coalescing or OS caching).
--
--   wrk -t2 -c16 -d10s --latency -s cycle.lua http://127.0.0.1:PORT -- QUERY_FILE
--
-- QUERY_FILE: one query per line, '#' lines and blank lines skipped; the
-- requests are formatted once in init(), so request() costs nothing.

local next_id = 0

function setup(thread)
  thread:set("thread_id", next_id)
  next_id = next_id + 1
end

-- Percent-encode everything but RFC 3986 unreserved characters, byte by
-- byte, so å ä ö go out as UTF-8 %XX pairs and spaces as %20.
local function urlencode(s)
  return (s:gsub("[^%w%-%._~]", function(c)
    return string.format("%%%02X", string.byte(c))
  end))
end

local function read_queries(path)
  local list = {}
  for line in io.lines(path) do
    line = line:gsub("^%s+", ""):gsub("%s+$", "")
    if line ~= "" and line:sub(1, 1) ~= "#" then
      list[#list + 1] = line
    end
  end
  return list
end

function init(args)
  local path = args[1] or error("usage: wrk ... -s cycle.lua URL -- QUERY_FILE")
  local list = read_queries(path)
  assert(#list > 0, "no queries in " .. path)
  reqs = {}
  for i, q in ipairs(list) do
    reqs[i] = wrk.format("GET", "/search?q=" .. urlencode(q))
  end
  -- a prime stride spreads the threads' start points over the list
  pos = ((thread_id or 0) * 37) % #reqs
end

function request()
  pos = pos % #reqs + 1
  return reqs[pos]
end
