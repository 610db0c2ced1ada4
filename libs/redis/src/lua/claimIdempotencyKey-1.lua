--[[
  Claims a tenant's Idempotency-Key: the first call records the case id the key stands for and the SHA-256
  of the request's canonical body, in state 'reserved' (the case may not be registered yet); every later
  call changes nothing and returns what the first one recorded, so the caller can compare body hashes and
  finish (never duplicate) the submission. The record is in its own slot, not the case's, so it cannot be
  written in one script with registerCase: 'reserved' -> 'enqueued' (confirmIdempotencyKey, once the case is
  registered and its jobs are queued) is what lets a retry after a crash between the steps complete them.

  Input:
    KEYS[1] idempotency record hash   lf:idem:<tenant>:{<sha256 of the key>}

    ARGV[1] case id to record if the key is new
    ARGV[2] body hash (hex SHA-256 of the canonical request body)
    ARGV[3] ttl, ms (the record expires then; the key may be reused afterwards)

  Output:
    {claimed, caseId, bodyHash, state}
      claimed   1 if this call created the record, 0 if it already existed (nothing was written)
      caseId    the recorded case id
      bodyHash  the recorded body hash
      state     'reserved' | 'enqueued'
]]
--- @include "includes/redisNow"

local recordKey = KEYS[1]
local existing = redis.call('HMGET', recordKey, 'caseId', 'bodyHash', 'state')
if existing[1] then
  return {0, existing[1], existing[2] or '', existing[3] or 'reserved'}
end

redis.call('HSET', recordKey, 'caseId', ARGV[1], 'bodyHash', ARGV[2], 'state', 'reserved', 'createdAt', fmtMs(redisNowMs()))
redis.call('PEXPIRE', recordKey, ARGV[3])
return {1, ARGV[1], ARGV[2], 'reserved'}
