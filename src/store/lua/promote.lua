-- Move due jobs from `rq:scheduled:<q>` to their queues, as RQ's scheduler does,
-- taking RQ's own per-queue scheduler lock so a Python `rq worker --with-scheduler`
-- never moves the same job too.
--
-- ARGV: me, now_score, now_iso, lock_seconds, max_per_queue, queue_1 .. queue_n
-- Returns { {queue, id} ... } of the jobs moved.

local me, now_s, now_iso, lock_s, max = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
local out = {}
for j = 6, #ARGV do
  local q = ARGV[j]
  local lock = K.scheduler_lock .. q
  local holder = redis.call('GET', lock)
  if holder == me then
    redis.call('EXPIRE', lock, lock_s)
  elseif not holder then
    redis.call('SET', lock, me, 'EX', lock_s)
    holder = me
  end
  if holder == me then
    local ids = redis.call('ZRANGEBYSCORE', K.scheduled .. q, '-inf', now_s, 'LIMIT', 0, max)
    for _, id in ipairs(ids) do
      redis.call('ZREM', K.scheduled .. q, id)
      local h = job_fields(id, 'status', 'enqueue_at_front', 'enqueue_at_front_on_retry')
      if h and h[1] and check_type(K.queue .. q, 'list') == nil then
        redis.call('HSET', K.job .. id, 'status', 'queued', 'enqueued_at', now_iso)
        redis.call('SADD', K.queues, K.queue .. q)
        local front = h[2] == '1' or h[3] == '1'
        redis.call(front and 'LPUSH' or 'RPUSH', K.queue .. q, id)
        out[#out + 1] = { q, id }
      end
    end
  end
end
return out
