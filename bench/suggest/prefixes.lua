-- prefixes.lua: wrk script for bench_suggest.sh. Every request is
-- GET /suggest?q=PREFIX&limit=8 with PREFIX taken in turn from a file (one
-- per line), round and round; each wrk thread starts at its own offset.
--
--   wrk -t2 -c16 -d10s --latency -s prefixes.lua http://127.0.0.1:PORT -- FILE

local next_id = 0

function setup(thread)
  thread:set("thread_id", next_id)
  next_id = next_id + 1
end

-- Percent-encode all but unreserved characters: å ä ö as UTF-8 %XX pairs.
local function urlencode(s)
  return (s:gsub("[^%w%-%._~]", function(c)
    return string.format("%%%02X", string.byte(c))
  end))
end

function init(args)
  local path = args[1] or error("usage: wrk ... -s prefixes.lua URL -- FILE")
  reqs = {}
  for line in io.lines(path) do
    if line ~= "" then
      reqs[#reqs + 1] = wrk.format("GET", "/suggest?limit=8&q=" .. urlencode(line))
    end
  end
  assert(#reqs > 0, "no prefixes in " .. path)
  pos = ((thread_id or 0) * 37) % #reqs
end

function request()
  pos = pos % #reqs + 1
  return reqs[pos]
end
