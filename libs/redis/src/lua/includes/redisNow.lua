--[[
  "Now" for every script: milliseconds since the epoch on the Redis server's clock, the one clock all
  apps share (pods' clocks drift). Also `fmtMs`, because tostring() of a large Lua number may print an
  exponent, and hash fields must hold plain integers.
]]
local function redisNowMs()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function fmtMs(ms)
  return string.format('%d', ms)
end
