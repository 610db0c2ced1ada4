--[[
  Stores a fenced case's fused result, once: the first call writes the result, sets the final status and
  finalizedAt (= fencedAt, the instant the score set was frozen) and adds the 'result-stored' event;
  any later call (a redone finalization) changes nothing. The result expires with the rest of the case.
  The first call also returns the case's summary for the finalized stream entry (CaseStore.storeResult writes
  it; that stream is in another Cluster slot), so the dashboard never reads the case to learn what it holds.

  Input:
    KEYS[1] case hash            lf:case:{id}
    KEYS[2] result string        lf:case:{id}:result
    KEYS[3] events stream        lf:case:{id}:events

    ARGV[1] result JSON
    ARGV[2] final status: 'complete' | 'degraded' | 'failed'
    ARGV[3] events stream max length (approximate)

  Output:
    {1, submittedAt, deadlineAt, finalizedAt, completedBy, expected, replies}
        stored now; the case hash's fields as stored (finalizedAt = fencedAt; nil if missing), and replies:
        the first 'score' event per modality in the events stream (written only before the fence, so late
        scores are left out), in stream order, as 'modality:status:atMs' joined by ',' ('' for none)
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

local case = redis.call('HMGET', caseKey, 'status', 'fencedAt', 'expiresAt', 'submittedAt', 'deadlineAt', 'completedBy', 'expected')
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

-- A case's stream holds a handful of entries (submitted, one score per modality, finalized, late scores);
-- COUNT bounds it like the dashboard's own read did.
local replies, seen = {}, {}
for _, entry in ipairs(redis.call('XRANGE', eventsKey, '-', '+', 'COUNT', 200)) do
  local flat = entry[2]
  local eventType, at, modality, detail
  for i = 1, #flat, 2 do
    local field = flat[i]
    if field == 'type' then eventType = flat[i + 1]
    elseif field == 'at' then at = flat[i + 1]
    elseif field == 'modality' then modality = flat[i + 1]
    elseif field == 'detail' then detail = flat[i + 1] end
  end
  if eventType == 'score' and modality and at and not seen[modality] then
    seen[modality] = true
    replies[#replies + 1] = modality .. ':' .. (detail or 'unknown') .. ':' .. at
  end
end

addCaseEvent(eventsKey, ARGV[3], redisNowMs(), 'result-stored', '', finalStatus)
-- `or false`: a nil would end the Lua array (the reply would lose its later fields); false is sent as a nil reply.
return {1, case[4] or false, case[5] or false, case[2] or false, case[6] or false, case[7] or false, table.concat(replies, ',')}
