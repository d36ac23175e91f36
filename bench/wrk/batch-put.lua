-- POST /api/v1/batch/put with BATCH items (default 16) of VALUE_BYTES (default 1 KiB) each, to
-- random keys of KEYSPACE (default 100000) named PREFIX (default "bench-") + number.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")

local batch = tonumber(os.getenv("BATCH") or "16")
-- base64 of VALUE_BYTES bytes of 'x' ("eHh4" per 3 bytes; sizes are multiples of 3 to keep it exact)
local value = string.rep("eHh4", math.floor(tonumber(os.getenv("VALUE_BYTES") or "1023") / 3))
local headers = { ["Content-Type"] = "application/json" }
if os.getenv("CONSISTENCY") then headers["X-Consistency-Level"] = os.getenv("CONSISTENCY") end
local prefix = os.getenv("PREFIX") or "bench-"

function init(args)
  init_keys(3000)
end

function request()
  local items = {}
  for i = 1, batch do
    items[i] = '{"key":"' .. prefix .. next_key() .. '","value":"' .. value .. '"}'
  end
  return wrk.format("POST", "/api/v1/batch/put", headers, '{"items":[' .. table.concat(items, ",") .. ']}')
end
