-- Set aside ids that are filed in a queue or registry but whose job hash is gone
-- (expired or deleted) or whose key is not a hash at all, so no command shows a job
-- that does not exist. An id whose hash exists again (re-enqueued meanwhile) stays.
--
-- ARGV: status, queue, id_1 .. id_n   (status: queued or a registry's state)
-- Returns the number of ids removed.

local status, q = ARGV[1], ARGV[2]
local removed = 0
for j = 3, #ARGV do
  local id = ARGV[j]
  if redis.call('TYPE', K.job .. id)['ok'] ~= 'hash' then
    if status == 'queued' then
      removed = removed + redis.call('LREM', K.queue .. q, 0, id)
    elseif status ~= 'started' then
      local reg = registry_for(status, q)
      if reg then removed = removed + redis.call('ZREM', reg, id) end
    end
  end
end
return removed
