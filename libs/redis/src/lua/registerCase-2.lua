--[[
  Registers a case exactly once: creates the case hash and opens the case's event stream, both expiring at
  the same instant (submittedAt + ttl). Registering an id that exists changes nothing and reports the
  existing case, so a retried submission is harmless.
  The claim-checked inputs (blobs) are NOT passed through here: Redis copies every script argument into a
  Lua string, which for a 131 kB slice cost ~200 us of Redis CPU per case against ~2 us for a plain SET.
  The caller SETs them (same hash tag) just before this script, on the same connection.
  The global deadlines ZSET lives in another slot: the caller adds the case to it afterwards.

  Input:
    KEYS[1]    case hash            lf:case:{id}
    KEYS[2]    events stream        lf:case:{id}:events

    ARGV[1]    tenant
    ARGV[2]    expected modalities, comma separated
    ARGV[3]    fusion strategy
    ARGV[4]    deadline budget, ms (deadlineAt = now + this)
    ARGV[5]    ttl, ms (every key of the case expires at now + this)
    ARGV[6]    trace id
    ARGV[7]    events stream max length (approximate)
    ARGV[8]    subject: who the case is about, as submitted ('' = not stored)
    ARGV[9]    basis: JSON array of references to the submitted inputs ('' = not stored)

  Output:
    {created, submittedAt, deadlineAt, status}
      created      1 if the case was created now, 0 if it already existed (nothing was written)
      submittedAt  ms, Redis clock
      deadlineAt   ms, Redis clock
      status       the case status ('pending' for a new case)
]]
--- @include "includes/redisNow"
--- @include "includes/addCaseEvent"

local caseKey, eventsKey = KEYS[1], KEYS[2]

if redis.call('EXISTS', caseKey) == 1 then
  local existing = redis.call('HMGET', caseKey, 'submittedAt', 'deadlineAt', 'status')
  return {0, tonumber(existing[1]), tonumber(existing[2]), existing[3]}
end

local now = redisNowMs()
local deadlineAt = now + tonumber(ARGV[4])
local expiresAt = fmtMs(now + tonumber(ARGV[5]))

redis.call('HSET', caseKey,
  'tenant', ARGV[1],
  'status', 'pending',
  'expected', ARGV[2],
  'strategy', ARGV[3],
  'submittedAt', fmtMs(now),
  'deadlineAt', fmtMs(deadlineAt),
  'expiresAt', expiresAt,
  'traceId', ARGV[6])
if ARGV[8] ~= '' then redis.call('HSET', caseKey, 'subject', ARGV[8]) end
if ARGV[9] ~= '' then redis.call('HSET', caseKey, 'basis', ARGV[9]) end
redis.call('PEXPIREAT', caseKey, expiresAt)

addCaseEvent(eventsKey, ARGV[7], now, 'submitted', '', '')
redis.call('PEXPIREAT', eventsKey, expiresAt)

return {1, now, deadlineAt, 'pending'}
