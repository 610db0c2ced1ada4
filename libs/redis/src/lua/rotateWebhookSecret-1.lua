--[[
  Rotates a webhook's signing secret: the new secret signs from now on, and the current one keeps being
  sent alongside it (a second `v1=` in LF-Signature) until the grace period ends, so receivers can switch
  without dropping a delivery. A second rotation within the grace period replaces the previous secret.

  Input:
    KEYS[1] tenant webhooks hash      lf:tenant:{tenant}:webhooks   webhookId -> record JSON

    ARGV[1] webhook id
    ARGV[2] new secret
    ARGV[3] grace period, ms (0: the old secret stops at once)

  Output:
     the updated record JSON, or
     false (nil) when there is no such webhook
]]
--- @include "includes/redisNow"

local key, id = KEYS[1], ARGV[1]
local raw = redis.call('HGET', key, id)
if not raw then
  return false
end
local record = cjson.decode(raw)
local grace = tonumber(ARGV[3])
if grace > 0 then
  record['previousSecret'] = record['secret']
  record['previousSecretExpiresAt'] = fmtMs(redisNowMs() + grace)
else
  record['previousSecret'] = nil
  record['previousSecretExpiresAt'] = nil
end
record['secret'] = ARGV[2]
local encoded = cjson.encode(record)
redis.call('HSET', key, id, encoded)
return encoded
