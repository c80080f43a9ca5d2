-- Cancel jobs that have not started, as RQ's job.cancel() does: out of the queue (or
-- the deferred or scheduled registry), into the canceled registry, status canceled.
--
-- ARGV: now_score, id_1 .. id_n
-- Returns, per id: 'ok', 'missing' or 'not-waiting:<status>'.

local now_s = ARGV[1]
local out = {}
for j = 2, #ARGV do
  local id = ARGV[j]
  local h, t = job_fields(id, 'status', 'origin')
  local status, q = h and h[1], h and h[2]
  if t ~= 'hash' and t ~= 'none' then
    out[#out + 1] = 'wrong-type:' .. K.job .. id .. ' is a ' .. t .. ', not a hash'
  elseif not status then
    out[#out + 1] = 'missing'
  elseif (status ~= 'queued' and status ~= 'deferred' and status ~= 'scheduled') or not q or q == '' then
    out[#out + 1] = 'not-waiting:' .. status
  else
    if status == 'queued' then
      redis.call('LREM', K.queue .. q, 1, id)
    else
      redis.call('ZREM', registry_for(status, q), id)
    end
    redis.call('ZADD', K.canceled .. q, now_s, id)
    redis.call('HSET', K.job .. id, 'status', 'canceled')
    out[#out + 1] = 'ok'
  end
end
return out
