-- etcd 3.4's JSON gateway with the same load as put.lua / get.lua: OP=put writes 1 KiB values to
-- random keys of KEYSPACE (SEQUENTIAL=1 walks it in order), OP=get reads them (linearizable,
-- etcd's default). Keys and values travel base64-encoded, as the gateway requires.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")

local op = os.getenv("OP") or "put"
local headers = { ["Content-Type"] = "application/json" }

local alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
local function base64(data)
  return ((data:gsub(".", function(c)
    local bits, byte = "", c:byte()
    for i = 8, 1, -1 do bits = bits .. (byte % 2 ^ i - byte % 2 ^ (i - 1) > 0 and "1" or "0") end
    return bits
  end) .. "0000"):gsub("%d%d%d?%d?%d?%d?", function(bits)
    if #bits < 6 then return "" end
    local n = 0
    for i = 1, 6 do n = n + (bits:sub(i, i) == "1" and 2 ^ (6 - i) or 0) end
    return alphabet:sub(n + 1, n + 1)
  end) .. ({ "", "==", "=" })[#data % 3 + 1])
end

local value = base64(string.rep("x", 1024))

function init(args)
  init_keys(3000)
end

function request()
  local encoded = base64("bench-" .. next_key())
  if op == "put" then
    return wrk.format("POST", "/v3/kv/put", headers, '{"key":"' .. encoded .. '","value":"' .. value .. '"}')
  end
  return wrk.format("POST", "/v3/kv/range", headers, '{"key":"' .. encoded .. '"}')
end
