-- Helpers shared by every bench script. `K` (key prefixes) is prepended from keys.rs.

-- The registry that holds a job in `status`, or nil for queued/created jobs.
local function registry_for(status, origin)
  if status == 'started' then return K.started .. origin end
  if status == 'finished' then return K.finished .. origin end
  if status == 'failed' or status == 'stopped' then return K.failed .. origin end
  if status == 'deferred' then return K.deferred .. origin end
  if status == 'scheduled' then return K.scheduled .. origin end
  if status == 'canceled' then return K.canceled .. origin end
  return nil
end

-- HSET from a flat ARGV slice: n pairs starting at index i. Returns the next index.
local function hset_pairs(key, i, n)
  if n == 0 then return i end
  redis.call('HSET', key, unpack(ARGV, i, i + 2 * n - 1))
  return i + 2 * n
end

-- A started-registry member as (job id, execution id): RQ 2.x files `<id>:<eid>`
-- with a 32-hex execution id, RQ 1.x the plain id (Frappe 15's ids hold `::`).
local function started_split(member)
  local id, eid = string.match(member, '^(.+):(%x+)$')
  if id and #eid == 32 then return id, eid end
  return member, ''
end

-- The member a started job of this layout is filed under.
local function started_member(id, eid)
  if RQ1 then return id end
  return id .. ':' .. eid
end

-- Whether `s` is valid UTF-8 (Redis' Lua has no utf8 library). Ids and queue names
-- cross into the worker as text, so anything else is set aside before it can.
local function is_utf8(s)
  -- ASCII, the common case, in one C-level scan.
  if not string.find(s, '[\128-\255]') then return true end
  local i, n = 1, #s
  while i <= n do
    local c = string.byte(s, i)
    local len
    if c < 0x80 then len = 1
    elseif c >= 0xC2 and c <= 0xDF then len = 2
    elseif c >= 0xE0 and c <= 0xEF then len = 3
    elseif c >= 0xF0 and c <= 0xF4 then len = 4
    else return false end
    for k = i + 1, i + len - 1 do
      local b = string.byte(s, k)
      if not b or b < 0x80 or b > 0xBF then return false end
    end
    i = i + len
  end
  return true
end

-- Fields of the job hash `id` (HMGET), or nil and the key's type when the key is
-- missing or not a hash: data set in Redis by hand or by a bug must never make a
-- script fail halfway through a batch.
local function job_fields(id, ...)
  local key = K.job .. id
  local t = redis.call('TYPE', key)['ok']
  if t ~= 'hash' then return nil, t end
  return redis.call('HMGET', key, ...), t
end

-- Removes a job id from wherever its status says it is (queue list or registry).
-- Started jobs may be filed in either RQ layout, so each member is split first.
local function unfile(id, status, origin)
  if origin == false or origin == nil or origin == '' then return end
  if status == 'queued' then
    redis.call('LREM', K.queue .. origin, 0, id)
    return
  end
  local reg = registry_for(status, origin)
  if reg == nil then return end
  if status == 'started' then
    local members = redis.call('ZRANGE', reg, 0, -1)
    for _, m in ipairs(members) do
      if started_split(m) == id then redis.call('ZREM', reg, m) end
    end
  else
    redis.call('ZREM', reg, id)
  end
end

-- Most keys or members one variadic command takes at once: Lua's unpack() stops near
-- 8,000 values, and a batch may hold more.
local VARIADIC = 1000

-- `cmd key v1 v2 ...` (or `cmd v1 v2 ...` when key is nil) over a flat list of values,
-- VARIADIC at a time (an even count, so score/member pairs stay together). One command
-- for a whole batch costs far less than one per job. Returns the summed integer replies.
local function call_each(cmd, key, values)
  local total = 0
  for s = 1, #values, VARIADIC do
    local e = math.min(s + VARIADIC - 1, #values)
    if key then
      total = total + redis.call(cmd, key, unpack(values, s, e))
    else
      total = total + redis.call(cmd, unpack(values, s, e))
    end
  end
  return total
end

-- Appends a (and b, for a score/member pair) to the list kept under `name` in `t`.
local function push_to(t, name, a, b)
  local l = t[name]
  if not l then
    l = {}
    t[name] = l
  end
  l[#l + 1] = a
  if b ~= nil then l[#l + 1] = b end
end

-- Scripts are atomic but not transactional: a command that fails midway leaves the
-- writes before it. So every script checks the types of the keys it will write
-- first, and refuses with a BENCH_WRONGTYPE error before touching anything.
local function check_type(key, want)
  local t = redis.call('TYPE', key)['ok']
  if t ~= 'none' and t ~= want then
    return redis.error_reply('BENCH_WRONGTYPE ' .. key .. ' is a ' .. t .. ', expected a ' .. want)
  end
  return nil
end

-- Writes one job as RQ's enqueue does. An older job with the same id is deleted first
-- unless it is queued or started, in which case nothing is written and its status is
-- returned (Frappe's deduplicate rule, rq#793). Fields are ARGV[i .. i + 2*npairs - 1].
-- `run_at` ('' for now) files the job in the scheduled registry instead of the queue.
-- Key types must have been checked by the caller. `known_queue` skips re-adding the
-- queue to `rq:queues` in a batch that already did.
local function write_job(id, queue, at_front, run_at, ttl, i, npairs, exists, known_queue)
  local jkey = K.job .. id
  if exists then
    local old = redis.call('HMGET', jkey, 'status', 'origin')
    if old[1] == 'queued' or old[1] == 'started' then return old[1] end
    unfile(id, old[1], old[2])
    redis.call('DEL', jkey, K.results .. id)
  end
  hset_pairs(jkey, i, npairs)
  if ttl ~= '' then redis.call('EXPIRE', jkey, ttl) end
  if not known_queue then redis.call('SADD', K.queues, K.queue .. queue) end
  if run_at ~= '' then
    redis.call('ZADD', K.scheduled .. queue, run_at, id)
  elseif at_front == '1' then
    redis.call('LPUSH', K.queue .. queue, id)
  else
    redis.call('RPUSH', K.queue .. queue, id)
  end
  return nil
end
