-- Delete jobs of one state from one queue, each atomically: the job hash, its entry
-- in the queue or registry, its results and dependency keys. A job found in another
-- state than asked (it moved since it was listed) is left alone.
--
-- ARGV: queue, state (queued|finished|failed|deferred|scheduled|canceled), id_1 .. id_n
-- Returns, per id: 'ok', 'gone' (no hash; its stale entry was removed) or 'moved:<status>'.

local q, state = ARGV[1], ARGV[2]
local reg = registry_for(state, q)
local out = {}
for j = 3, #ARGV do
  local id = ARGV[j]
  local jkey = K.job .. id
  local h, t = job_fields(id, 'status')
  local status = h and h[1]
  local matches = status == state or (state == 'failed' and status == 'stopped')
  if t ~= 'hash' and t ~= 'none' then
    out[#out + 1] = 'wrong-type:' .. jkey .. ' is a ' .. t .. ', not a hash'
  elseif status and not matches then
    out[#out + 1] = 'moved:' .. status
  else
    if state == 'queued' then
      redis.call('LREM', K.queue .. q, 1, id)
    elseif reg then
      redis.call('ZREM', reg, id)
    end
    for _, eid in ipairs(redis.call('ZRANGE', K.executions .. id, 0, -1)) do
      redis.call('DEL', K.execution .. id .. ':' .. eid)
    end
    redis.call('DEL', jkey, K.results .. id, jkey .. ':dependents', K.job .. ':' .. id .. ':dependencies',
      K.executions .. id)
    out[#out + 1] = status and 'ok' or 'gone'
  end
end
return out
