-- PUT values (VALUE_BYTES, default 1 KiB) to random keys of a fixed keyspace (env KEYSPACE,
-- default 100000) named PREFIX (default "bench-") + number.
-- With SEQUENTIAL=1 each thread walks the keyspace in order instead (used to preload GETs), and
-- with ONCE=1 it stops at the end of it.
-- CONSISTENCY sets X-Consistency-Level (default: the server's, QUORUM).
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")

local body = string.rep("x", tonumber(os.getenv("VALUE_BYTES") or "1024"))
local headers = { ["Content-Type"] = "application/octet-stream" }
if os.getenv("CONSISTENCY") then headers["X-Consistency-Level"] = os.getenv("CONSISTENCY") end

local prefix = os.getenv("PREFIX") or "bench-"

function init(args)
  init_keys(1000)
end

function request()
  return wrk.format("PUT", "/api/v1/keys/" .. prefix .. next_key(), headers, body)
end
