-- Enqueue a batch of jobs, each exactly as Python RQ writes one (rq-layout §10.1), all
-- in one atomic step so no job hash exists without its queue entry or the reverse.
--
-- ARGV[1]  number of jobs
-- ARGV[2]  number of queues to look through for named jobs, then their names
-- then per job:
--   id, queue, at_front (0/1), run_at (score, or '' to push now), ttl ('' or seconds),
--   name_key ('' when the job has no unique name), name_needle, site_needle,
--   npairs, field, value, ...
-- An existing queued or started job with the same id is left alone and reported; any
-- other existing job with the id is deleted first (Frappe's deduplicate rule, rq#793).
-- A job with a unique name is not written while another job of that name is queued or
-- started: one bench enqueued (its id is kept at name_key), or one whose description
-- holds both needles (as Frappe's own jobs carry `job_name` and `site` there).
-- Returns one entry per job: 'ok', the status of the active job that blocked it, or
-- 'named:<status>:<id>' for the active job of the same name.

local n = tonumber(ARGV[1])
local nscan = tonumber(ARGV[2])
local scan = {}
for j = 1, nscan do scan[j] = ARGV[2 + j] end
local FIRST = 3 + nscan
local FIXED = 9
-- How many queued ids of each queue are looked through for a job of the same name.
local SCAN_LIMIT = 10000

local function described(id, name_needle, site_needle)
  local h = job_fields(id, 'description')
  local d = h and h[1]
  return d and string.find(d, name_needle, 1, true) ~= nil
    and (site_needle == '' or string.find(d, site_needle, 1, true) ~= nil)
end

-- The active job holding this unique name, as status, id; or nil.
local function named(name_key, name_needle, site_needle)
  local held = redis.call('GET', name_key)
  if held then
    local h = job_fields(held, 'status')
    local st = h and h[1]
    if st == 'queued' or st == 'started' then return st, held end
  end
  if name_needle == '' then return nil end
  for _, q in ipairs(scan) do
    for _, id in ipairs(redis.call('LRANGE', K.queue .. q, 0, SCAN_LIMIT - 1)) do
      if described(id, name_needle, site_needle) then return 'queued', id end
    end
    for _, member in ipairs(redis.call('ZRANGE', K.started .. q, 0, -1)) do
      local id = started_split(member)
      if described(id, name_needle, site_needle) then return 'started', id end
    end
  end
  return nil
end

-- Check every key before the first write (see check_type). The job key's type also
-- tells whether an older job with the same id exists.
local bad = check_type(K.queues, 'set')
if bad then return bad end
local exists = {}
local checked = {}
local i = FIRST
for j = 1, n do
  local id, queue, run_at, npairs = ARGV[i], ARGV[i + 1], ARGV[i + 3], tonumber(ARGV[i + 8])
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
  if ARGV[i + 5] ~= '' then
    bad = check_type(ARGV[i + 5], 'string')
    if bad then return bad end
  end
  i = i + FIXED + 2 * npairs
end

i = FIRST
local out = {}
local added = {}
for j = 1, n do
  local id, queue, at_front, run_at, ttl = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4]
  local name_key, name_needle, site_needle, npairs = ARGV[i + 5], ARGV[i + 6], ARGV[i + 7], tonumber(ARGV[i + 8])
  local holder_status, holder = nil, nil
  if name_key ~= '' then holder_status, holder = named(name_key, name_needle, site_needle) end
  if holder then
    out[j] = 'named:' .. holder_status .. ':' .. holder
  else
    local blocked = write_job(id, queue, at_front, run_at, ttl, i + FIXED, npairs, exists[j], added[queue])
    if not blocked then
      added[queue] = true
      -- Kept a month: long enough for any job to leave the queue, short enough not to pile up.
      if name_key ~= '' then redis.call('SET', name_key, id, 'EX', 2592000) end
    end
    out[j] = blocked or 'ok'
  end
  i = i + FIXED + 2 * npairs
end
return out
