--[[
  Appends one entry to a case's event stream (the audit trail readers and SSE replay), trimmed
  approximately to maxLen entries. Fields: type, at (ms, Redis clock), and modality/detail when given.
]]
--- @include "includes/redisNow"

local function addCaseEvent(eventsKey, maxLen, nowMs, eventType, modality, detail)
  local fields = {'type', eventType, 'at', fmtMs(nowMs)}
  if modality ~= '' then
    fields[#fields + 1] = 'modality'
    fields[#fields + 1] = modality
  end
  if detail ~= '' then
    fields[#fields + 1] = 'detail'
    fields[#fields + 1] = detail
  end
  redis.call('XADD', eventsKey, 'MAXLEN', '~', maxLen, '*', unpack(fields))
end
