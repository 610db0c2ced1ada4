--[[
  Registers one webhook of a tenant, atomically with the per-tenant limit and the "same URL twice" check
  (two registrations of one URL would deliver every event twice).

  Input:
    KEYS[1] tenant webhooks hash      lf:tenant:{tenant}:webhooks   webhookId -> record JSON

    ARGV[1] webhook id (new, random)
    ARGV[2] record JSON (an object with `url`); the script adds `createdAt` (epoch ms, Redis clock, as a string)
    ARGV[3] url (compared with the `url` of every existing record)
    ARGV[4] max webhooks per tenant

  Output:
    {code, id, createdAt}
      { 1, id, createdAt}   registered
      { 0, '', ''}          the tenant already has ARGV[4] webhooks: nothing written
      {-1, existingId, ''}  this URL is already registered (as existingId): nothing written
      {-2, '', ''}          the id is taken (a random-id collision): nothing written
]]
--- @include "includes/redisNow"

local key = KEYS[1]
local id, record, url, maxCount = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])

if redis.call('HEXISTS', key, id) == 1 then
  return {-2, '', ''}
end
local all = redis.call('HGETALL', key)
for i = 1, #all, 2 do
  local ok, existing = pcall(cjson.decode, all[i + 1])
  if ok and type(existing) == 'table' and existing['url'] == url then
    return {-1, all[i], ''}
  end
end
if #all / 2 >= maxCount then
  return {0, '', ''}
end
local createdAt = fmtMs(redisNowMs())
local decoded = cjson.decode(record)
decoded['createdAt'] = createdAt
redis.call('HSET', key, id, cjson.encode(decoded))
return {1, id, createdAt}
