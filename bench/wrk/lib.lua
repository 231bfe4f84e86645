-- lib.lua: what the wrk scripts of this folder share; each loads it with
-- dofile() from its own folder (wrk runs a script in one Lua state per
-- thread, so this runs once per thread too).

local lib = {}

-- Give every wrk thread its number (thread_id in its own Lua state), so
-- that threads can start at different places of a request list.
local next_id = 0
function lib.number_threads(thread)
  thread:set("thread_id", next_id)
  next_id = next_id + 1
end

-- Percent-encode everything but RFC 3986 unreserved characters, byte by
-- byte, so å ä ö go out as UTF-8 %XX pairs and spaces as %20.
function lib.urlencode(s)
  return (s:gsub("[^%w%-%._~]", function(c)
    return string.format("%%%02X", string.byte(c))
  end))
end

-- The lines of a file, trimmed; blank lines and '#' lines skipped.
function lib.read_lines(path)
  local list = {}
  for line in io.lines(path) do
    line = line:gsub("^%s+", ""):gsub("%s+$", "")
    if line ~= "" and line:sub(1, 1) ~= "#" then
      list[#list + 1] = line
    end
  end
  assert(#list > 0, "nothing in " .. path)
  return list
end

-- One formatted GET request per line: TARGET .. urlencode(line).
function lib.requests(path, target)
  local reqs = {}
  for i, line in ipairs(lib.read_lines(path)) do
    reqs[i] = wrk.format("GET", target .. lib.urlencode(line))
  end
  return reqs
end

return lib
