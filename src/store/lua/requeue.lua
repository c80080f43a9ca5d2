-- Requeue failed jobs as `rq requeue` does (FailedJobRegistry.requeue, rq-layout
-- §10.9), each atomically: out of its queue's failed registry, status queued, start
-- and end cleared, back on its queue. Jobs that are not failed are refused, with why.
-- Every key a job's change writes is checked before its first write, so a key of the
-- wrong type refuses that job alone and no job is ever left half moved.
--
-- ARGV: now_iso, at_front (0/1), empty_exc_info (zlib of ''), id_1 .. id_n
-- Returns, per id: 'ok', 'missing', 'not-failed:<status>', 'not-in-registry:<queue>'
-- or 'wrong-type:<what>'.

local now_iso, at_front, empty_exc = ARGV[1], ARGV[2], ARGV[3]
local bad = check_type(K.queues, 'set')
if bad then return bad end

-- The reason a key of this job's change has the wrong type, or nil.
local function wrong_type(jkey, q)
  for _, want in ipairs({ { jkey, 'hash' }, { K.queue .. q, 'list' }, { K.failed .. q, 'zset' } }) do
    local t = redis.call('TYPE', want[1])['ok']
    if t ~= 'none' and t ~= want[2] then
      return 'wrong-type:' .. want[1] .. ' is a ' .. t .. ', not a ' .. want[2]
    end
  end
  return nil
end

local out = {}
for j = 4, #ARGV do
  local id = ARGV[j]
  local jkey = K.job .. id
  local t = redis.call('TYPE', jkey)['ok']
  if t == 'none' then
    out[#out + 1] = 'missing'
  elseif t ~= 'hash' then
    out[#out + 1] = 'wrong-type:' .. jkey .. ' is a ' .. t .. ', not a hash'
  else
    local h = redis.call('HMGET', jkey, 'status', 'origin')
    local q = h[2]
    if h[1] ~= 'failed' and h[1] ~= 'stopped' then
      out[#out + 1] = 'not-failed:' .. tostring(h[1])
    elseif not q or q == '' then
      out[#out + 1] = 'not-in-registry:' .. tostring(q)
    else
      local why = wrong_type(jkey, q)
      if why then
        out[#out + 1] = why
      elseif redis.call('ZREM', K.failed .. q, id) == 0 then
        out[#out + 1] = 'not-in-registry:' .. q
      else
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
  end
end
return out
