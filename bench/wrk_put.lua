-- wrk script: PUTs records course/BENCH-<thread>-<n> through the write API,
-- each a new record with a short text (concept detection included).
-- Arguments: the bearer token.
local token = "secret"
local counter = 0
local thread_id = 0
local next_thread = 0

function setup(thread)
  thread:set("thread_id", next_thread)
  next_thread = next_thread + 1
end

function init(args)
  token = args[1] or token
end

function request()
  counter = counter + 1
  local body = string.format(
    '{"title": "Benchmark course %d", "text": "Signal processing, linear algebra and probability for engineers: sampling, the Fourier transform and filters (lesson %d).", "fields": {"credits": 4}, "links": [{"rel": "taught_by", "type": "person", "id": "bench"}]}',
    counter, counter)
  local path = string.format("/api/v1/records/course/BENCH-%d-%d", thread_id, counter)
  return wrk.format("PUT", path, {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
  }, body)
end
