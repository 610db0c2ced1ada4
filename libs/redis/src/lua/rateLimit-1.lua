--[[
  One request against a tenant's rate limit, shared by every gateway replica: GCRA (the generic cell rate
  algorithm, a token bucket kept as one timestamp). The key holds the "theoretical arrival time" (TAT): the
  instant at which the bucket would be full again. A request is allowed when now >= TAT + interval - burst *
  interval, and then pushes the TAT one interval further. The clock is Redis TIME (microseconds), never a
  pod's, so replicas with drifting clocks still share one budget. The key expires once the bucket is full
  again (an idle tenant costs no memory). A denied request changes nothing.

  Input:
    KEYS[1] rate-limit state    lf:tenant:{<tenant>}:ratelimit   STRING: TAT, µs since the epoch (Redis clock)

    ARGV[1] emission interval, µs: 1e6 / sustained requests per second (integer >= 1)
    ARGV[2] burst: requests allowed back to back from idle (integer >= 1)

  Output:
    {allowed, remaining, retryAfterUs, resetUs}
      allowed       1 allowed (and counted), 0 denied (nothing changed)
      remaining     requests still allowed right now, after this one
      retryAfterUs  0 when allowed; else µs until one request would be allowed
      resetUs       µs until the bucket is full again (the budget fully restored)
]]
local key = KEYS[1]
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
if not interval or interval < 1 or interval ~= math.floor(interval) then
  return redis.error_reply('ERR rateLimit: the interval must be an integer number of microseconds >= 1')
end
if not burst or burst < 1 or burst ~= math.floor(burst) then
  return redis.error_reply('ERR rateLimit: the burst must be an integer >= 1')
end

local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])

local tat = tonumber(redis.call('GET', key) or '0') or 0
if tat < now then
  tat = now
end

local newTat = tat + interval
local allowAt = newTat - burst * interval
if now < allowAt then
  return {0, 0, allowAt - now, tat - now}
end

redis.call('SET', key, string.format('%d', newTat), 'PX', math.ceil((newTat - now) / 1000))
return {1, math.floor((now - allowAt) / interval), 0, newTat - now}
