-- GET random keys of a keyspace preloaded by put.lua with SEQUENTIAL=1 (env KEYSPACE).
local keyspace = tonumber(os.getenv("KEYSPACE") or "10000")
local headers = { ["Accept"] = "application/octet-stream" }
-- Thread ids are handed out in the main state by setup() and read as a global in each thread.
local next_thread_id = 0

function setup(thread)
  thread:set("thread_id", next_thread_id)
  next_thread_id = next_thread_id + 1
end

function init(args)
  math.randomseed(2000 + thread_id)
end

function request()
  return wrk.format("GET", "/api/v1/keys/bench-" .. math.random(0, keyspace - 1), headers)
end

done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format("RESULT requests=%d rps=%.0f p50_ms=%.3f p99_ms=%.3f errors=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, errors))
end
