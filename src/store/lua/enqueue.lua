-- Enqueue a batch of jobs, each exactly as Python RQ writes one (rq-layout §10.1), all
-- in one atomic step so no job hash exists without its queue entry or the reverse.
--
-- ARGV[1]  number of jobs
-- then per job:
--   id, queue, at_front (0/1), run_at (score, or '' to push now), ttl ('' or seconds),
--   npairs, field, value, ...
-- An existing queued or started job with the same id is left alone and reported; any
-- other existing job with the id is deleted first (Frappe's deduplicate rule, rq#793).
-- Returns one entry per job: 'ok', or the status of the active job that blocked it.

local n = tonumber(ARGV[1])

-- Check every key before the first write (see check_type). The job key's type also
-- tells whether an older job with the same id exists.
local bad = check_type(K.queues, 'set')
if bad then return bad end
local exists = {}
local checked = {}
local i = 2
for j = 1, n do
  local id, queue, run_at, npairs = ARGV[i], ARGV[i + 1], ARGV[i + 3], tonumber(ARGV[i + 5])
  local t = redis.call('TYPE', K.job .. id)['ok']
  if t ~= 'none' and t ~= 'hash' then
    return redis.error_reply('BENCH_WRONGTYPE ' .. K.job .. id .. ' is a ' .. t .. ', expected a hash')
  end
  exists[j] = t == 'hash'
  local target = (run_at ~= '' and K.scheduled or K.queue) .. queue
  if not checked[target] then
    bad = check_type(target, run_at ~= '' and 'zset' or 'list')
    if bad then return bad end
    checked[target] = true
  end
  i = i + 6 + 2 * npairs
end

i = 2
local out = {}
local added = {}
for j = 1, n do
  local id, queue, at_front, run_at, ttl, npairs =
    ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4], tonumber(ARGV[i + 5])
  local blocked = write_job(id, queue, at_front, run_at, ttl, i + 6, npairs, exists[j], added[queue])
  if not blocked then added[queue] = true end
  out[j] = blocked or 'ok'
  i = i + 6 + 2 * npairs
end
return out
