-- PUT 1 KiB values to random keys of a fixed keyspace (env KEYSPACE, default 100000).
-- With SEQUENTIAL=1 each thread walks the keyspace in order instead (used to preload GETs).
-- CONSISTENCY sets X-Consistency-Level (default: the server's, QUORUM).
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")

local keyspace = tonumber(os.getenv("KEYSPACE") or "100000")
local sequential = os.getenv("SEQUENTIAL") == "1"
local body = string.rep("x", 1024)
local headers = { ["Content-Type"] = "application/octet-stream" }
if os.getenv("CONSISTENCY") then headers["X-Consistency-Level"] = os.getenv("CONSISTENCY") end
local counter = 0
local threads = 1

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
