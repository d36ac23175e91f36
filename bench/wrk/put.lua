-- PUT 1 KiB values to random keys of a fixed keyspace (env KEYSPACE, default 100000).
-- With SEQUENTIAL=1 each thread walks the keyspace in order instead (used to preload GETs).
local keyspace = tonumber(os.getenv("KEYSPACE") or "100000")
local sequential = os.getenv("SEQUENTIAL") == "1"
local body = string.rep("x", 1024)
local headers = { ["Content-Type"] = "application/octet-stream" }
local counter = 0
-- Thread ids are handed out in the main state by setup() and read as a global in each thread.
local next_thread_id = 0
local threads = 1

function setup(thread)
  thread:set("thread_id", next_thread_id)
  next_thread_id = next_thread_id + 1
end

function init(args)
  math.randomseed(1000 + thread_id)
  threads = tonumber(os.getenv("WRK_THREADS") or "2")
  counter = thread_id
end

function request()
  local key
  if sequential then
    key = counter % keyspace
    counter = counter + threads
  else
    key = math.random(0, keyspace - 1)
  end
  return wrk.format("PUT", "/api/v1/keys/bench-" .. key, headers, body)
end

done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format("RESULT requests=%d rps=%.0f p50_ms=%.3f p99_ms=%.3f errors=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, errors))
end
