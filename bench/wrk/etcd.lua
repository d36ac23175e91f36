-- etcd 3.4's JSON gateway with the same load as put.lua / get.lua: OP=put writes 1 KiB values to
-- random keys of KEYSPACE (SEQUENTIAL=1 walks it in order), OP=get reads them (linearizable,
-- etcd's default). Keys and values travel base64-encoded, as the gateway requires.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")

local keyspace = tonumber(os.getenv("KEYSPACE") or "10000")
local sequential = os.getenv("SEQUENTIAL") == "1"
local op = os.getenv("OP") or "put"
local headers = { ["Content-Type"] = "application/json" }
local counter = 0
local threads = 1

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
  math.randomseed(3000 + thread_id)
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
  local encoded = base64("bench-" .. key)
  if op == "put" then
    return wrk.format("POST", "/v3/kv/put", headers, '{"key":"' .. encoded .. '","value":"' .. value .. '"}')
  end
  return wrk.format("POST", "/v3/kv/range", headers, '{"key":"' .. encoded .. '"}')
end
