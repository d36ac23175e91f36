-- PUT 1 KiB values to random keys of a fixed keyspace (env KEYSPACE, default 100000).
-- With SEQUENTIAL=1 each thread walks the keyspace in order instead (used to preload GETs).
-- CONSISTENCY sets X-Consistency-Level (default: the server's, QUORUM).
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")

local body = string.rep("x", 1024)
local headers = { ["Content-Type"] = "application/octet-stream" }
if os.getenv("CONSISTENCY") then headers["X-Consistency-Level"] = os.getenv("CONSISTENCY") end

function init(args)
  init_keys(1000)
end

function request()
  return wrk.format("PUT", "/api/v1/keys/bench-" .. next_key(), headers, body)
end
