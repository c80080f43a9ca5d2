-- Start up to N jobs for a worker, atomically: each id moves from its queue (or from
-- the intermediate list a blocking move put it in) straight into the started registry
-- (with its execution record under RQ 2.x), so a crash at any point leaves it in
-- exactly one place.
--
-- claim_jobs(a) reads its arguments from ARGV[a] on.
--
-- ARGV from a: worker, now_iso, now_float, now_score, deadline_score, hb_ttl, max_jobs,
--       take ('strict': each queue in turn until it is empty, RQ's default order;
--             'turns': one job from each queue in turn, RQ's round_robin and random),
--       nq, queue_1..queue_nq (the order to try them in),
--       nm, (queue, id) x nm   ids already moved into `<queue>:intermediate`,
--       eid_1..eid_(max_jobs + nm)   execution ids to hand out
-- Returns { suspended (0/1), {{id, key type}...}, {id, eid, registry_queue, {fields...}} ... }
-- Ids whose hash is gone (or whose key is not a hash) are skipped, as Python RQ does,
-- and reported with the key's type.

local function claim_jobs(a)
local worker, now_iso, now_f, now_s, deadline, hb_ttl, max_jobs =
  ARGV[a], ARGV[a + 1], ARGV[a + 2], tonumber(ARGV[a + 3]), ARGV[a + 4], tonumber(ARGV[a + 5]), tonumber(ARGV[a + 6])
local turns = ARGV[a + 7] == 'turns'
local nq = tonumber(ARGV[a + 8])
local queues = {}
for j = 1, nq do queues[j] = ARGV[a + 8 + j] end
local i = a + 9 + nq
local nm = tonumber(ARGV[i])
local moved = {}
for j = 1, nm do moved[j] = { ARGV[i + 2 * j - 1], ARGV[i + 2 * j] } end
local next_eid = i + 2 * nm + 1

local out = { 0, {} }
local started = 0
local last_id = nil
-- Started-registry entries, one ZADD per registry for the whole claim.
local filing = {}
-- Each started registry is written only once its type is known to be right, so no
-- claim fails halfway; a job whose origin's registry is not is filed under the queue
-- it was taken from (checked below before anything is taken).
local registry_ok = {}
local function registry_fits(q)
  if registry_ok[q] == nil then registry_ok[q] = check_type(K.started .. q, 'zset') == nil end
  return registry_ok[q]
end
for _, q in ipairs(queues) do
  local bad = check_type(K.started .. q, 'zset') or check_type(K.queue .. q, 'list')
  if bad then return bad end
  registry_ok[q] = true
end
for _, m in ipairs(moved) do
  local bad = check_type(K.started .. m[1], 'zset') or check_type(K.queue .. m[1] .. ':intermediate', 'list')
  if bad then return bad end
  registry_ok[m[1]] = true
end

local function start(id, from_queue)
  if not is_utf8(id) then
    table.insert(out[2], { '(an id that is not UTF-8)', 'bad id' })
    return
  end
  -- One read where the hash is sound; the key's type only when it is not.
  local fields = redis.pcall('HGETALL', K.job .. id)
  if fields.err or #fields == 0 then
    -- Gone (expired or deleted), or not a job at all: reported and dropped.
    table.insert(out[2], { id, redis.call('TYPE', K.job .. id)['ok'] })
    return
  end
  local origin = from_queue
  for f = 1, #fields, 2 do
    if fields[f] == 'origin' and fields[f + 1] ~= '' and is_utf8(fields[f + 1]) then origin = fields[f + 1] end
  end
  if origin ~= from_queue and not registry_fits(origin) then origin = from_queue end
  local eid = ARGV[next_eid]
  next_eid = next_eid + 1
  if not RQ1 then
    local ekey = K.execution .. id .. ':' .. eid
    redis.call('HSET', ekey, 'id', eid, 'created_at', now_f, 'last_heartbeat', now_f, 'worker_name', worker)
    redis.call('EXPIRE', ekey, hb_ttl)
    -- RQ's per-job index of runs is informational; a key of the wrong type there must
    -- not stop the claim halfway.
    redis.pcall('ZADD', K.executions .. id, now_s + hb_ttl + 60, eid)
    redis.call('EXPIRE', K.executions .. id, hb_ttl + 60)
  end
  push_to(filing, origin, deadline, started_member(id, eid))
  redis.call('HSET', K.job .. id, 'status', 'started', 'started_at', now_iso, 'last_heartbeat', now_iso,
    'worker_name', worker, 'ended_at', '')
  redis.call('PERSIST', K.job .. id)
  out[#out + 1] = { id, eid, origin, fields }
  last_id = id
  started = started + 1
end

-- Ids a blocking move already took are started even when suspended: they left the queue.
for _, m in ipairs(moved) do
  if redis.call('LREM', K.queue .. m[1] .. ':intermediate', 1, m[2]) == 1 then start(m[2], m[1]) end
end

local function file_and_return()
  for q, pairs_ in pairs(filing) do call_each('ZADD', K.started .. q, pairs_) end
  if last_id then redis.call('HSET', K.worker .. worker, 'state', 'busy', 'current_job', last_id) end
  return out
end

if redis.call('EXISTS', K.suspended) == 1 then
  out[1] = 1
  return file_and_return()
end

if turns then
  -- A batch takes jobs as that many claims of one job each would: the queue after
  -- the one that gave a job is tried first for the next.
  local open = queues
  while started < max_jobs and #open > 0 do
    local still = {}
    for _, q in ipairs(open) do
      if started >= max_jobs then break end
      local id = redis.call('LPOP', K.queue .. q)
      if id then
        start(id, q)
        still[#still + 1] = q
      end
    end
    open = still
  end
  return file_and_return()
end
for _, q in ipairs(queues) do
  while started < max_jobs do
    local ids = redis.call('LPOP', K.queue .. q, max_jobs - started)
    if not ids then break end
    for _, id in ipairs(ids) do start(id, q) end
  end
  if started >= max_jobs then break end
end
return file_and_return()
end
