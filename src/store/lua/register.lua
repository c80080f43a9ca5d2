-- Register a worker as RQ does at birth (rq-layout §10.2), atomically: a live worker
-- of the same name (its hash present without `death`) refuses the name, so two
-- workers started with one name cannot both register.
--
-- ARGV: name, ttl, npairs, field, value, ..., queue_1 .. queue_n
-- Returns 'ok' or 'taken'.

local name, ttl, npairs = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local key = K.worker .. name
if redis.call('EXISTS', key) == 1 and redis.call('HEXISTS', key, 'death') == 0 then
  return 'taken'
end
local bad = check_type(K.workers, 'set')
if bad then return bad end
redis.call('DEL', key)
hset_pairs(key, 4, npairs)
redis.call('SADD', K.workers, key)
for j = 4 + 2 * npairs, #ARGV do
  redis.call('SADD', K.workers_of .. ARGV[j], key)
end
redis.call('EXPIRE', key, ttl)
return 'ok'
