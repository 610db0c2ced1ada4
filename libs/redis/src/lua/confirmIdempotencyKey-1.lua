--[[
  Marks a claimed Idempotency-Key 'enqueued': its case is registered and every job of it is queued, so a
  replay need not check the queues. Only when the record still names the given case (it may have expired
  and been claimed again), and never creating a record (an expired one stays expired).

  Input:
    KEYS[1] idempotency record hash   lf:idem:<tenant>:{<sha256 of the key>}

    ARGV[1] case id the caller registered and enqueued

  Output:
    1  marked (or already marked)
    0  no record, or it names another case: nothing changed
]]
--- @include "includes/redisNow"

local recordKey = KEYS[1]
if redis.call('HGET', recordKey, 'caseId') ~= ARGV[1] then
  return 0
end
redis.call('HSET', recordKey, 'state', 'enqueued', 'enqueuedAt', fmtMs(redisNowMs()))
return 1
