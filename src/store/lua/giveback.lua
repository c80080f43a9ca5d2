-- Put ids a blocking move took, but that this worker will not run, back at the head
-- of their queue, in one step.
-- ARGV: (queue, id) pairs. Returns how many were given back.
local n = 0
for j = 1, #ARGV, 2 do
  local q, id = ARGV[j], ARGV[j + 1]
  if redis.call('LREM', K.queue .. q .. ':intermediate', 1, id) == 1 then
    redis.call('LPUSH', K.queue .. q, id)
    n = n + 1
  end
end
return n
