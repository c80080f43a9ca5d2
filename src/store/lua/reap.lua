-- Recover jobs whose worker stopped heartbeating: any started-registry member whose
-- deadline has passed. Each is requeued at the head of its queue while it has
-- recoveries left (policy 'requeue'), else failed as abandoned, as Python RQ does.
-- Also returns to their queue ids stuck in an intermediate list for over a minute
-- (a worker died between its blocking move and starting the job).
--
-- ARGV: now_iso, now_score, policy (requeue|fail), max_recoveries, failure_ttl_default,
--       abandoned_exc_b64, nq, queue_1..queue_nq
-- Returns { {id, queue, 'requeued'|'failed'} ..., } for the log.

local now_iso, now_s, policy, max_rec, default_fttl, exc =
  ARGV[1], tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6]
local nq = tonumber(ARGV[7])
local out = {}

for j = 1, nq do
  local q = ARGV[7 + j]
  local bad = check_type(K.started .. q, 'zset') or check_type(K.failed .. q, 'zset')
    or check_type(K.queue .. q, 'list') or check_type(K.queue .. q .. ':intermediate', 'list')
  if bad then return bad end
  local expired = redis.call('ZRANGEBYSCORE', K.started .. q, '-inf', now_s, 'LIMIT', 0, 200)
  for _, member in ipairs(expired) do
    redis.call('ZREM', K.started .. q, member)
    local id, eid = started_split(member)
    if eid == '' and redis.call('EXISTS', K.job .. member) == 0 then
      -- An execution id of another shape: the job is whatever the prefix names.
      local pid, peid = string.match(member, '^(.+):([^:]+)$')
      if pid and redis.call('EXISTS', K.job .. pid) == 1 then id, eid = pid, peid end
    end
    if eid ~= '' then
      redis.call('DEL', K.execution .. id .. ':' .. eid)
      redis.call('ZREM', K.executions .. id, eid)
    end
    local jkey = K.job .. id
    local h = job_fields(id, 'status', 'failure_ttl', 'bench_recoveries')
    if h and h[1] == 'started' then
      local done = tonumber(h[3]) or 0
      if policy == 'requeue' and done < max_rec then
        redis.call('HSET', jkey, 'status', 'queued', 'enqueued_at', now_iso, 'started_at', '',
          'worker_name', '', 'bench_recoveries', done + 1)
        redis.call('SADD', K.queues, K.queue .. q)
        redis.call('LPUSH', K.queue .. q, id)
        out[#out + 1] = { id, q, 'requeued' }
      else
        -- A TTL that is not a whole number of seconds in range is read as the default.
        local fttl = tonumber(h[2])
        if not fttl or fttl ~= math.floor(fttl) or fttl < -1 or fttl > 315360000 then fttl = default_fttl end
        redis.call('HSET', jkey, 'status', 'failed', 'ended_at', now_iso)
        redis.call('ZADD', K.failed .. q, fttl == -1 and '+inf' or now_s + fttl, id)
        if fttl ~= -1 then redis.call('EXPIRE', jkey, fttl) end
        redis.call('XADD', K.results .. id, 'MAXLEN', '~', '10', '*', 'type', '2', 'worker_name', '', 'exc_string', exc)
        out[#out + 1] = { id, q, 'failed' }
      end
    end
  end

  local inter = K.queue .. q .. ':intermediate'
  for _, id in ipairs(redis.call('LRANGE', inter, 0, 99)) do
    local seen_key = inter .. ':first_seen:' .. id
    local seen = tonumber(redis.call('GET', seen_key))
    if not seen then
      redis.call('SET', seen_key, now_s, 'EX', 86400)
    elseif now_s - seen > 60 then
      redis.call('DEL', seen_key)
      if redis.call('LREM', inter, 1, id) == 1 and redis.call('TYPE', K.job .. id)['ok'] == 'hash' then
        redis.call('LPUSH', K.queue .. q, id)
        out[#out + 1] = { id, q, 'requeued' }
      end
    end
  end
end
return out
