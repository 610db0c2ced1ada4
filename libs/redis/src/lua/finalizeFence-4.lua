--[[
  The finalize fence: admits exactly one finalization per case, ever. The admitted call flips the status
  from 'pending' to 'finalizing' (so later scores are late and the scores hash is frozen), stamps
  fencedAt/completedBy and adds the only 'finalized' event; it returns the frozen snapshot that fusion
  turns into the result. Everything after the fence (fuse, store result, notify) is idempotent, so a
  finalizer that crashed after the fence is redone by whoever sees 'already-finalized' with no result.

  Input:
    KEYS[1] case hash            lf:case:{id}
    KEYS[2] scores hash          lf:case:{id}:scores
    KEYS[3] result string        lf:case:{id}:result   (only tested for existence)
    KEYS[4] events stream        lf:case:{id}:events

    ARGV[1] cause: 'all-replied' | 'deadline'
    ARGV[2] events stream max length (approximate)

  Output:
    {admitted, reason, now, caseFields, scores, resultStored}
      admitted      1 for the one call that passed the fence, else 0
      reason        'admitted' | 'unknown-case' | 'already-finalized' | 'not-due'
                    ('not-due': cause 'deadline' before deadlineAt, or 'all-replied' with replies missing)
      now           ms, Redis clock
      caseFields    HGETALL of the case hash (empty for 'unknown-case')
      scores        HGETALL of the scores hash (empty for 'unknown-case' and 'not-due')
      resultStored  1 if the result key exists (only meaningful for 'already-finalized')
]]
--- @include "includes/redisNow"
--- @include "includes/addCaseEvent"
--- @include "includes/countExpected"

local caseKey, scoresKey, resultKey, eventsKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local cause = ARGV[1]
if cause ~= 'all-replied' and cause ~= 'deadline' then
  return redis.error_reply("ERR finalizeFence: cause must be 'all-replied' or 'deadline'")
end

local now = redisNowMs()
local status = redis.call('HGET', caseKey, 'status')
if not status then
  return {0, 'unknown-case', now, {}, {}, 0}
end
if status ~= 'pending' then
  return {0, 'already-finalized', now, redis.call('HGETALL', caseKey), redis.call('HGETALL', scoresKey),
    redis.call('EXISTS', resultKey)}
end

if cause == 'deadline' then
  if now < tonumber(redis.call('HGET', caseKey, 'deadlineAt')) then
    return {0, 'not-due', now, redis.call('HGETALL', caseKey), {}, 0}
  end
else
  local expectedCount = countExpected(redis.call('HGET', caseKey, 'expected'), '')
  if redis.call('HLEN', scoresKey) < expectedCount then
    return {0, 'not-due', now, redis.call('HGETALL', caseKey), {}, 0}
  end
end

redis.call('HSET', caseKey, 'status', 'finalizing', 'fencedAt', fmtMs(now), 'completedBy', cause)
addCaseEvent(eventsKey, ARGV[2], now, 'finalized', '', cause)
return {1, 'admitted', now, redis.call('HGETALL', caseKey), redis.call('HGETALL', scoresKey), 0}
