--[[
  Appends an event that happens outside the case lifecycle scripts (webhook deliveries) to a case's event
  stream, only while the case exists: an XADD on an expired case would create a stream without a TTL.

  Input:
    KEYS[1] case hash            lf:case:{id}
    KEYS[2] events stream        lf:case:{id}:events

    ARGV[1] event type
    ARGV[2] events stream max length (approximate)
    ARGV[3...] extra field/value pairs (even count), written after `type` and `at`

  Output:
     1  appended
     0  no such case (expired or never registered): nothing written
]]
--- @include "includes/redisNow"

local caseKey, eventsKey = KEYS[1], KEYS[2]
if (#ARGV - 2) % 2 ~= 0 then
  return redis.error_reply('ERR appendCaseEvent: extra fields must come in field/value pairs')
end
local expiresAt = redis.call('HGET', caseKey, 'expiresAt')
if not expiresAt then
  return 0
end

local fields = {'type', ARGV[1], 'at', fmtMs(redisNowMs())}
for i = 3, #ARGV do
  fields[#fields + 1] = ARGV[i]
end
redis.call('XADD', eventsKey, 'MAXLEN', '~', ARGV[2], '*', unpack(fields))
redis.call('PEXPIREAT', eventsKey, expiresAt)
return 1
