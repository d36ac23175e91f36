-- Shared by the wrk scripts: per-thread ids, key choice and the RESULT line the bench scripts parse.

-- Thread ids are handed out in the main state by setup() and read as the global thread_id in each thread.
local next_thread_id = 0

function setup(thread)
  thread:set("thread_id", next_thread_id)
  next_thread_id = next_thread_id + 1
end

function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format("RESULT requests=%d rps=%.0f p50_ms=%.3f p99_ms=%.3f errors=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, errors))
end

-- Keys of a fixed keyspace (env KEYSPACE): random, or with SEQUENTIAL=1 each thread walks it in
-- order (used to preload the keys that GETs read). Call init_keys() from init().
local keyspace = tonumber(os.getenv("KEYSPACE") or "100000")
local sequential = os.getenv("SEQUENTIAL") == "1"
local counter = 0
local threads = 1

function init_keys(seed)
  -- WRK_PROCESS tells apart several wrk processes run side by side (one per node), so that they do
  -- not all draw the same key sequence.
  math.randomseed(seed + thread_id + 7919 * tonumber(os.getenv("WRK_PROCESS") or "0"))
  threads = tonumber(os.getenv("WRK_THREADS") or "2")
  counter = thread_id
end

local once = os.getenv("ONCE") == "1"

function next_key()
  if sequential then
    if once and counter >= keyspace then
      wrk.thread:stop()
    end
    local key = counter % keyspace
    counter = counter + threads
    return key
  end
  return math.random(0, keyspace - 1)
end
