-- Requeue failed jobs as `rq requeue` does (FailedJobRegistry.requeue, rq-layout
-- §10.9), each atomically: out of its queue's failed registry, status queued, start
-- and end cleared, back on its queue. Jobs that are not failed are refused, with why.
--
-- ARGV: now_iso, at_front (0/1), empty_exc_info (zlib of ''), id_1 .. id_n
-- Returns, per id: 'ok', 'missing', 'not-failed:<status>' or 'not-in-registry:<queue>'.

local now_iso, at_front, empty_exc = ARGV[1], ARGV[2], ARGV[3]
local out = {}
for j = 4, #ARGV do
  local id = ARGV[j]
  local jkey = K.job .. id
  local h = redis.call('HMGET', jkey, 'status', 'origin')
  if not h[1] and not h[2] then
    out[#out + 1] = 'missing'
  elseif h[1] ~= 'failed' and h[1] ~= 'stopped' then
    out[#out + 1] = 'not-failed:' .. tostring(h[1])
  elseif not h[2] or h[2] == '' or redis.call('ZREM', K.failed .. h[2], id) == 0 then
    out[#out + 1] = 'not-in-registry:' .. tostring(h[2])
  else
    local q = h[2]
    local bad = check_type(K.queue .. q, 'list')
    if bad then
      redis.call('ZADD', K.failed .. q, '+inf', id)
      return bad
    end
    redis.call('HSET', jkey, 'status', 'queued', 'started_at', '', 'ended_at', '', 'exc_info', empty_exc,
      'enqueued_at', now_iso)
    -- RQ leaves the failure expiry on until a worker starts the job; a queued job
    -- that expires would be lost, so it goes now.
    redis.call('PERSIST', jkey)
    redis.call('SADD', K.queues, K.queue .. q)
    redis.call(at_front == '1' and 'LPUSH' or 'RPUSH', K.queue .. q, id)
    out[#out + 1] = 'ok'
  end
end
return out
