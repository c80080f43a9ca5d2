-- Clean registries as Python RQ's clean_registries does before it counts: finished and
-- failed jobs whose expiry (their score) has passed are gone, their hashes expired with
-- them. Jobs kept forever have a score of +inf (or -1, as older releases wrote it).
--
-- ARGV: now_score, queue_1 .. queue_n
-- Returns the number of members removed.

local now_s = ARGV[1]
local removed = 0
for j = 2, #ARGV do
  local q = ARGV[j]
  removed = removed + redis.call('ZREMRANGEBYSCORE', K.finished .. q, 0, now_s)
  removed = removed + redis.call('ZREMRANGEBYSCORE', K.failed .. q, 0, now_s)
end
return removed
