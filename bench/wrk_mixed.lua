-- wrk script: mixed load, one record write (PUT) in five requests, the
-- others GETs cycling through paths read from a file.
-- Arguments: the bearer token, the paths file, a prefix for the ids written
-- (so that two wrk processes write different records).
local token = "secret"
local paths = {}
local prefix = "MIX"
local counter = 0
local thread_id = 0
local next_thread = 0

function setup(thread)
  thread:set("thread_id", next_thread)
  next_thread = next_thread + 1
end

function init(args)
  token = args[1] or token
  local file = assert(io.open(args[2], "r"))
  for line in file:lines() do
    if #line > 0 then paths[#paths + 1] = line end
  end
  file:close()
  prefix = args[3] or prefix
  counter = math.random(#paths)
end

function request()
  counter = counter + 1
  if counter % 5 == 0 then
    local body = string.format(
      '{"title": "Mixed load course %d", "text": "Thermodynamics and statistical physics for engineers (lesson %d)."}',
      counter, counter)
    local path = string.format("/api/v1/records/course/%s-%d-%d", prefix, thread_id, counter)
    return wrk.format("PUT", path, {
      ["Authorization"] = "Bearer " .. token,
      ["Content-Type"] = "application/json",
    }, body)
  end
  return wrk.format("GET", paths[counter % #paths + 1])
end
