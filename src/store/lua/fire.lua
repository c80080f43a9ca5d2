-- Enqueue one scheduled event's job for one slot, at most once, and only for the
-- current leader (fencing: the lease still names `me` and the epoch still equals
-- `token`). The previous run of the same event still queued or started skips the
-- slot. The slot, outcome and scheduler go to the event's ledger either way.
--
-- KEYS: lease key, epoch key, last-slot hash, last-run hash, ledger list
-- ARGV: me, token, event state (method or <site>/<method>), slot, now_unix,
--       ledger_json_prefix, ledger_keep,
--       id, queue, npairs, field, value, ...   (token '0': a manual trigger, no fencing)
-- Returns 'enqueued', 'skipped:<status>', 'done' (slot already handled) or 'fenced'.

local lease, epoch, last_slot, last_run, ledger = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local me, token, method, slot, now = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5]
local entry, keep = ARGV[6], tonumber(ARGV[7])
local id, queue, npairs = ARGV[8], ARGV[9], tonumber(ARGV[10])

if token ~= '0' then
  if redis.call('GET', lease) ~= me or redis.call('GET', epoch) ~= token then return 'fenced' end
  local done = tonumber(redis.call('HGET', last_slot, method))
  if done and slot <= done then return 'done' end
end

local t = redis.call('TYPE', K.job .. id)['ok']
if t ~= 'none' and t ~= 'hash' then
  return redis.error_reply('BENCH_WRONGTYPE ' .. K.job .. id .. ' is a ' .. t .. ', expected a hash')
end
local bad = check_type(K.queues, 'set') or check_type(K.queue .. queue, 'list')
if bad then return bad end

local blocked = write_job(id, queue, '0', '', '', 11, npairs, t == 'hash')
local outcome = blocked and ('skipped:' .. blocked) or 'enqueued'
if token ~= '0' then redis.call('HSET', last_slot, method, slot) end
redis.call('HSET', last_run, method, now)
redis.call('LPUSH', ledger, entry .. '"outcome":"' .. outcome .. '"}')
redis.call('LTRIM', ledger, 0, keep - 1)
return outcome
