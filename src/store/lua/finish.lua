-- Record the end of a batch of job runs, each as Python RQ 2.x records it (rq-layout
-- §10.6-10.8): job hash, registry, result stream, worker counters, dependents.
--
-- finish_batch(a) reads its arguments from ARGV[a] on and returns the per-job replies,
-- the index after its arguments and a function that settles the worker's current job
-- and state (or nil and an error reply, before any write).
--
-- ARGV from a: worker, now_iso, now_score, n, abandoned policy (requeue|fail),
--       max_recoveries, a job the worker still runs ('' when none), then 15 values per job:
--   id, eid, queue, outcome, result_ttl, failure_ttl, failure_ttl_set (0/1),
--   return_b64 ('' = None), exc_b64, started_float, ended_float,
--   retry_at ('' = now), retries_left, at_front (0/1), has_dependencies (0/1)
-- outcome: finished | failed | stopped | retry | requeue | abandoned
-- An abandoned run (its process died, not by the job's doing) is requeued at the head
-- while the job has recoveries left under the policy, else failed with exc_b64, exactly
-- as reap.lua treats the jobs of a dead worker.
-- A run whose member is no longer in the started registry was taken over (its
-- worker was presumed dead and the job recovered); its result is dropped: 'lost'.
-- Returns 'ok' or 'lost' per job; 'requeued' or 'failed' for abandoned runs.

-- RQ's tools show one current job per worker: one it still runs, if any. A current
-- job that a claim set after this batch ended is left alone, and the worker is idle
-- only when its current job was one of these. Not needed when the same call claimed
-- the worker a new job, which sets both.
local function settle_worker(wkey, still_running, ended_ids)
  if still_running ~= '' then
    redis.call('HSET', wkey, 'current_job', still_running)
  else
    local cur = redis.call('HGET', wkey, 'current_job')
    if cur and ended_ids[cur] then
      redis.call('HDEL', wkey, 'current_job')
      redis.call('HSET', wkey, 'state', 'idle')
    end
  end
end

local function finish_batch(a)
local worker, now_iso, now_s, n = ARGV[a], ARGV[a + 1], tonumber(ARGV[a + 2]), tonumber(ARGV[a + 3])
local policy, max_rec, still_running = ARGV[a + 4], tonumber(ARGV[a + 5]), ARGV[a + 6]
local wkey = K.worker .. worker
local FIELDS = 15
local BASE = a + 7

-- Check key types first: a failing command midway would leave a half-finished job.
-- Only the keys an outcome writes are checked, each once per batch.
local checked = {}
local function check(key, want)
  if checked[key] then return nil end
  checked[key] = true
  return check_type(key, want)
end
-- The registry keys each outcome may write (an abandoned run may be requeued or failed).
local WRITES = {
  finished = { { K.finished, 'zset' } },
  failed = { { K.failed, 'zset' } },
  stopped = { { K.failed, 'zset' } },
  retry = { { K.scheduled, 'zset' }, { K.queue, 'list' } },
  requeue = { { K.queue, 'list' } },
  abandoned = { { K.failed, 'zset' }, { K.queue, 'list' } },
}
local results_keys, dependents_keys = {}, {}
for j = 0, n - 1 do
  local b = BASE + j * FIELDS
  local id, q, outcome = ARGV[b], ARGV[b + 2], ARGV[b + 3]
  local bad = check(K.job .. id, 'hash') or check(K.started .. q, 'zset')
  if bad then return nil, bad end
  for _, w in ipairs(WRITES[outcome] or {}) do
    bad = check(w[1] .. q, w[2])
    if bad then return nil, bad end
  end
  results_keys[j + 1] = K.results .. id
  dependents_keys[j + 1] = K.job .. id .. ':dependents'
end
-- A job's result stream rarely exists before its first end: one EXISTS for the batch,
-- and each key's type only when some do.
if call_each('EXISTS', nil, results_keys) > 0 then
  for _, key in ipairs(results_keys) do
    local bad = check(key, 'stream')
    if bad then return nil, bad end
  end
end

-- Which runs are still filed as started: one ZMSCORE per queue rather than a ZREM per
-- job. A run found here is taken off (once, even if the batch names it twice) by one
-- ZREM per queue at the end.
local members = {}
for j = 0, n - 1 do
  local b = BASE + j * FIELDS
  push_to(members, ARGV[b + 2], started_member(ARGV[b], ARGV[b + 1]))
end
local filed = {}
for q, list in pairs(members) do
  local here = {}
  for s = 1, #list, VARIADIC do
    local e = math.min(s + VARIADIC - 1, #list)
    local scores = redis.call('ZMSCORE', K.started .. q, unpack(list, s, e))
    for k = 1, e - s + 1 do
      if scores[k] then here[list[s + k - 1]] = true end
    end
  end
  filed[q] = here
end

local function xadd_result(id, kind, eid, ret, exc, started, ended)
  if ret ~= '' then
    redis.call('XADD', K.results .. id, 'MAXLEN', '~', '10', '*', 'type', kind, 'worker_name', worker,
      'return_value', ret, 'execution_id', eid, 'execution_started_at', started, 'execution_ended_at', ended)
  elseif exc ~= '' then
    redis.call('XADD', K.results .. id, 'MAXLEN', '~', '10', '*', 'type', kind, 'worker_name', worker,
      'exc_string', exc, 'execution_id', eid, 'execution_started_at', started, 'execution_ended_at', ended)
  else
    redis.call('XADD', K.results .. id, 'MAXLEN', '~', '10', '*', 'type', kind, 'worker_name', worker,
      'execution_id', eid, 'execution_started_at', started, 'execution_ended_at', ended)
  end
end

-- Most batches have no dependents at all: one EXISTS tells, instead of a TYPE per job.
local any_dependents = call_each('EXISTS', nil, dependents_keys) > 0

-- Enqueue the dependents of `id` whose every dependency has now finished. Returns
-- whether any dependents remain (their set then shares the job's expiry).
local function release_dependents(id)
  if not any_dependents then return false end
  if redis.call('TYPE', K.job .. id .. ':dependents')['ok'] ~= 'set' then return false end
  local deps = redis.call('SMEMBERS', K.job .. id .. ':dependents')
  local left = #deps
  for _, dep in ipairs(deps) do
    local d = job_fields(dep, 'status', 'dependency_ids', 'origin', 'enqueue_at_front')
    if d and d[1] == 'deferred' and d[3] and d[3] ~= ''
      and check_type(K.queue .. d[3], 'list') == nil and check_type(K.deferred .. d[3], 'zset') == nil then
      local ok, ids = pcall(cjson.decode, d[2] or '[]')
      local ready = ok and type(ids) == 'table'
      if ready then
        for _, pid in ipairs(ids) do
          local p = type(pid) == 'string' and job_fields(pid, 'status')
          if not p or p[1] ~= 'finished' then ready = false end
        end
      end
      if ready then
        redis.call('ZREM', K.deferred .. d[3], dep)
        redis.call('HSET', K.job .. dep, 'status', 'queued', 'enqueued_at', now_iso)
        redis.call('SADD', K.queues, K.queue .. d[3])
        redis.call(d[4] == '1' and 'LPUSH' or 'RPUSH', K.queue .. d[3], dep)
        redis.call('SREM', K.job .. id .. ':dependents', dep)
        left = left - 1
      end
    end
  end
  return left > 0
end

-- RQ gives a job's dependency bookkeeping the job's own expiry.
local function expire_job(id, ttl, deps_left, has_deps)
  redis.call('EXPIRE', K.job .. id, ttl)
  if deps_left then redis.call('EXPIRE', K.job .. id .. ':dependents', ttl) end
  if has_deps == '1' then redis.call('EXPIRE', K.job .. ':' .. id .. ':dependencies', ttl) end
end

local out = {}
local ended_ids = {}
-- Writes gathered for one variadic command each at the end of the batch.
local unfiled, execution_keys, registry_adds = {}, {}, {}
-- Runs that ended per queue, finished or failed (a failed try that will be retried counts).
local tally = {}
local function count(q, kind)
  tally[q] = tally[q] or {}
  tally[q][kind] = (tally[q][kind] or 0) + 1
end
local ok_count, failed_count, worked_total = 0, 0, 0
for j = 0, n - 1 do
  local b = BASE + j * FIELDS
  local id, eid, q, outcome = ARGV[b], ARGV[b + 1], ARGV[b + 2], ARGV[b + 3]
  local result_ttl, failure_ttl, failure_ttl_set = tonumber(ARGV[b + 4]), tonumber(ARGV[b + 5]), ARGV[b + 6]
  local ret, exc, started, ended = ARGV[b + 7], ARGV[b + 8], ARGV[b + 9], ARGV[b + 10]
  local retry_at, retries_left, at_front, has_deps = ARGV[b + 11], ARGV[b + 12], ARGV[b + 13], ARGV[b + 14]
  local jkey = K.job .. id
  ended_ids[id] = true

  local member = started_member(id, eid)
  if not filed[q][member] then
    out[#out + 1] = 'lost'
  else
    filed[q][member] = nil
    push_to(unfiled, q, member)
    local verdict = nil
    if outcome == 'abandoned' then
      local done = tonumber(redis.call('HGET', jkey, 'bench_recoveries')) or 0
      if policy == 'requeue' and done < max_rec then
        redis.call('HSET', jkey, 'bench_recoveries', done + 1)
        outcome, verdict = 'requeue', 'requeued'
      else
        outcome, verdict = 'failed', 'failed'
      end
    end
    if not RQ1 then
      execution_keys[#execution_keys + 1] = K.execution .. id .. ':' .. eid
      redis.call('ZREM', K.executions .. id, eid)
    end
    if outcome ~= 'requeue' then
      local worked = tonumber(ended) - tonumber(started)
      if worked > 0 then worked_total = worked_total + worked end
    end

    if outcome == 'finished' then
      ok_count = ok_count + 1
      count(q, 'finished')
      redis.call('HSET', jkey, 'status', 'finished', 'ended_at', now_iso, 'last_heartbeat', now_iso)
      local deps_left = release_dependents(id)
      if result_ttl == 0 then
        redis.call('DEL', jkey, K.results .. id, jkey .. ':dependents', K.job .. ':' .. id .. ':dependencies')
      else
        xadd_result(id, '1', eid, ret, '', started, ended)
        if result_ttl == -1 then
          push_to(registry_adds, K.finished .. q, '+inf', id)
          redis.call('PERSIST', K.results .. id)
        else
          push_to(registry_adds, K.finished .. q, now_s + result_ttl, id)
          redis.call('EXPIRE', K.results .. id, result_ttl)
          expire_job(id, result_ttl, deps_left, has_deps)
        end
      end
    elseif outcome == 'failed' or outcome == 'stopped' then
      failed_count = failed_count + 1
      count(q, 'failed')
      redis.call('HSET', jkey, 'status', outcome, 'ended_at', now_iso, 'last_heartbeat', now_iso)
      if failure_ttl == -1 then
        push_to(registry_adds, K.failed .. q, '+inf', id)
      else
        push_to(registry_adds, K.failed .. q, now_s + failure_ttl, id)
        expire_job(id, failure_ttl, any_dependents and redis.call('EXISTS', jkey .. ':dependents') == 1, has_deps)
      end
      xadd_result(id, outcome == 'failed' and '2' or '3', eid, '', exc, started, ended)
      if failure_ttl_set == '1' and failure_ttl > 0 then redis.call('EXPIRE', K.results .. id, failure_ttl) end
    elseif outcome == 'retry' then
      failed_count = failed_count + 1
      count(q, 'failed')
      redis.call('HSET', jkey, 'retries_left', retries_left, 'ended_at', now_iso, 'last_heartbeat', now_iso)
      redis.call('SADD', K.queues, K.queue .. q)
      if retry_at ~= '' then
        redis.call('HSET', jkey, 'status', 'scheduled')
        redis.call('ZADD', K.scheduled .. q, retry_at, id)
      else
        redis.call('HSET', jkey, 'status', 'queued', 'enqueued_at', now_iso)
        redis.call(at_front == '1' and 'LPUSH' or 'RPUSH', K.queue .. q, id)
      end
    else -- requeue: the run was interrupted by this worker's own shutdown
      redis.call('HSET', jkey, 'status', 'queued', 'enqueued_at', now_iso, 'started_at', '', 'worker_name', '')
      redis.call('SADD', K.queues, K.queue .. q)
      redis.call('LPUSH', K.queue .. q, id)
    end
    out[#out + 1] = verdict or 'ok'
  end
end

for q, list in pairs(unfiled) do call_each('ZREM', K.started .. q, list) end
for key, pairs_ in pairs(registry_adds) do call_each('ZADD', key, pairs_) end
if #execution_keys > 0 then call_each('DEL', nil, execution_keys) end

-- Throughput per queue, for `bench dashboard` and /metrics: once per queue per batch,
-- and never in the way of recording a job (a wrong-typed counter is skipped).
local bucket = math.floor(now_s / STATS_BUCKET)
for q, t in pairs(tally) do
  local key = K.stats .. q .. ':' .. bucket
  for kind, count in pairs(t) do
    redis.pcall('HINCRBY', K.stats .. q, kind, count)
    redis.pcall('HINCRBY', key, kind, count)
  end
  redis.pcall('EXPIRE', key, STATS_KEEP)
end

-- The worker's counters, once per batch rather than per job.
if ok_count > 0 then redis.call('HINCRBY', wkey, 'successful_job_count', ok_count) end
if failed_count > 0 then redis.call('HINCRBY', wkey, 'failed_job_count', failed_count) end
if worked_total > 0 then redis.call('HINCRBYFLOAT', wkey, 'total_working_time', string.format('%.6f', worked_total)) end
return out, BASE + n * FIELDS, function() settle_worker(wkey, still_running, ended_ids) end
end
