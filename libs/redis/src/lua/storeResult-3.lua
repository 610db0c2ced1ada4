--[[
  Stores a fenced case's fused result, once: the first call writes the result, sets the final status and
  finalizedAt (= fencedAt, the instant the score set was frozen) and adds the 'result-stored' event;
  any later call (a redone finalization) changes nothing. The result expires with the rest of the case.

  Input:
    KEYS[1] case hash            lf:case:{id}
    KEYS[2] result string        lf:case:{id}:result
    KEYS[3] events stream        lf:case:{id}:events

    ARGV[1] result JSON
    ARGV[2] final status: 'complete' | 'degraded' | 'failed'
    ARGV[3] events stream max length (approximate)

  Output:
     1  stored now
     0  a result was already stored (nothing changed)
    -1  no such case
    -2  the case has not passed the finalize fence (status still 'pending'): nothing stored
]]
--- @include "includes/redisNow"
--- @include "includes/addCaseEvent"

local caseKey, resultKey, eventsKey = KEYS[1], KEYS[2], KEYS[3]
local finalStatus = ARGV[2]
if finalStatus ~= 'complete' and finalStatus ~= 'degraded' and finalStatus ~= 'failed' then
  return redis.error_reply("ERR storeResult: status must be 'complete', 'degraded' or 'failed'")
end

local case = redis.call('HMGET', caseKey, 'status', 'fencedAt', 'expiresAt')
if not case[1] then
  return -1
end
if case[1] == 'pending' then
  return -2
end

if not redis.call('SET', resultKey, ARGV[1], 'NX', 'PXAT', case[3]) then
  return 0
end
redis.call('HSET', caseKey, 'status', finalStatus, 'finalizedAt', case[2])
addCaseEvent(eventsKey, ARGV[3], redisNowMs(), 'result-stored', '', finalStatus)
return 1
