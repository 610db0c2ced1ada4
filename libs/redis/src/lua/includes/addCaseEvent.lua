--[[
  Appends one entry to a case's event stream (the audit trail readers and SSE replay), trimmed
  approximately to maxLen entries. Fields: type, at (ms, Redis clock), and modality/detail when given.
  Then PUBLISHes the new entry's id on a channel named like the stream key, so the gateway's long-polls
  and SSE streams wake up without polling (a wake-up only: readers read the stream, the source of truth).
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
  local id = redis.call('XADD', eventsKey, 'MAXLEN', '~', maxLen, '*', unpack(fields))
  redis.call('PUBLISH', eventsKey, id)
end
