--[[
  Records one modality's score record for a case, atomically with the "has everyone replied?" check, so
  exactly the call that completes the set sees 'all-replied' (plus any redelivery of a recorded score
  while the case is still pending, so a worker that crashed before enqueuing the fusion trigger enqueues
  it on retry; the trigger's job id and the finalize fence make the duplicate harmless).
  After the finalize fence the scores hash is frozen: a new score goes to the late hash instead.

  Input:
    KEYS[1] case hash            lf:case:{id}
    KEYS[2] scores hash          lf:case:{id}:scores   modality -> ScoreRecord JSON
    KEYS[3] late hash            lf:case:{id}:late     modality -> ScoreRecord JSON
    KEYS[4] events stream        lf:case:{id}:events

    ARGV[1] modality
    ARGV[2] score record JSON
    ARGV[3] score status (ok | failed | invalid), written to the event
    ARGV[4] events stream max length (approximate)

  Output: one of
    'unknown-case'         no such case (never registered, or expired)
    'unexpected-modality'  the modality is not in the case's expected list
    'duplicate'            this modality already has a record (in scores, or in late): nothing changed
    'late'                 the case was already fenced: stored in the late hash, 'late-score' event added
    'all-replied'          stored (or already stored) and every expected modality has now replied
    'recorded'             stored; other modalities still outstanding
]]
--- @include "includes/redisNow"
--- @include "includes/addCaseEvent"
--- @include "includes/countExpected"

local caseKey, scoresKey, lateKey, eventsKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local modality = ARGV[1]

local case = redis.call('HMGET', caseKey, 'status', 'expected', 'expiresAt')
if not case[1] then
  return 'unknown-case'
end
local expectedCount, isExpected = countExpected(case[2], modality)
if not isExpected then
  return 'unexpected-modality'
end
local pending = case[1] == 'pending'

if redis.call('HEXISTS', scoresKey, modality) == 1 then
  if pending and redis.call('HLEN', scoresKey) == expectedCount then
    return 'all-replied'
  end
  return 'duplicate'
end

local now = redisNowMs()
if not pending then
  if redis.call('HSETNX', lateKey, modality, ARGV[2]) == 0 then
    return 'duplicate'
  end
  redis.call('PEXPIREAT', lateKey, case[3])
  addCaseEvent(eventsKey, ARGV[4], now, 'late-score', modality, ARGV[3])
  return 'late'
end

redis.call('HSET', scoresKey, modality, ARGV[2])
redis.call('PEXPIREAT', scoresKey, case[3])
addCaseEvent(eventsKey, ARGV[4], now, 'score', modality, ARGV[3])
if redis.call('HLEN', scoresKey) == expectedCount then
  return 'all-replied'
end
return 'recorded'
