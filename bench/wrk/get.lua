-- GET random keys of a keyspace preloaded by put.lua with SEQUENTIAL=1 (env KEYSPACE).
-- CONSISTENCY sets X-Consistency-Level (default: the server's, LINEARIZABLE).
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")

local keyspace = tonumber(os.getenv("KEYSPACE") or "10000")
local headers = { ["Accept"] = "application/octet-stream" }
if os.getenv("CONSISTENCY") then headers["X-Consistency-Level"] = os.getenv("CONSISTENCY") end

function init(args)
  math.randomseed(2000 + thread_id)
end

function request()
  return wrk.format("GET", "/api/v1/keys/bench-" .. math.random(0, keyspace - 1), headers)
end
