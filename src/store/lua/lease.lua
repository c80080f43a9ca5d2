-- Scheduler leadership: one lease key holds the leader's id and expires unless
-- renewed; each new leadership takes a fresh fencing token from a counter, so a
-- leader that paused past its lease can be told apart from the current one.
--
-- KEYS: lease key, epoch key
-- ARGV: me, lease_ms, mode ('acquire' | 'release')
-- Returns { token (0 = not leader), holder, ms left on the lease }

local lease, epoch = KEYS[1], KEYS[2]
local me, ms, mode = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local holder = redis.call('GET', lease)

if mode == 'release' then
  if holder == me then redis.call('DEL', lease) end
  return { 0, '', 0 }
end
if holder == me then
  redis.call('PEXPIRE', lease, ms)
  return { tonumber(redis.call('GET', epoch)) or 0, me, ms }
end
if not holder then
  local token = redis.call('INCR', epoch)
  redis.call('SET', lease, me, 'PX', ms)
  return { token, me, ms }
end
return { 0, holder, redis.call('PTTL', lease) }
