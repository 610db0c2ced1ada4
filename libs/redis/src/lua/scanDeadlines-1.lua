--[[
  One look at the deadlines index for the aggregator's sweeper, in one round trip: the cases whose deadline
  has passed by the Redis clock, and when the next one falls due. Read-only. (It was TIME, then
  ZRANGEBYSCORE, then ZRANGE + TIME: three round trips per sweep, 25 sweeps a second per aggregator even
  when idle, most of an idle aggregator's CPU.)

  Input:
    KEYS[1] deadlines index      lf:deadlines   ZSET caseId -> deadlineAt (ms, Redis clock)

    ARGV[1] most due case ids to return (integer >= 1)

  Output:
    {now, due, nextDeadlineAt}
      now             Redis time, ms since the epoch
      due             case ids with deadlineAt <= now, earliest first, at most ARGV[1]
      nextDeadlineAt  the earliest deadlineAt > now, or -1 when none is pending
]]
--- @include "includes/redisNow"

local limit = tonumber(ARGV[1])
if not limit or limit < 1 or limit ~= math.floor(limit) then
  return redis.error_reply('ERR scanDeadlines: the limit must be an integer >= 1')
end
local now = redisNowMs()
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, limit)
local next = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. fmtMs(now), '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
local nextAt = -1
if next[2] then
  nextAt = tonumber(next[2])
end
return {now, due, nextAt}
