-- GET random keys of a keyspace preloaded by put.lua with SEQUENTIAL=1 (env KEYSPACE).
-- CONSISTENCY sets X-Consistency-Level (default: the server's, LINEARIZABLE).
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")

local headers = { ["Accept"] = "application/octet-stream" }
if os.getenv("CONSISTENCY") then headers["X-Consistency-Level"] = os.getenv("CONSISTENCY") end

local prefix = os.getenv("PREFIX") or "bench-"

function init(args)
  init_keys(2000)
end

function request()
  return wrk.format("GET", "/api/v1/keys/" .. prefix .. next_key(), headers)
end
