#!lua
-- One tick of the scheduler: claims the items whose lease ran out (a silent daemon's) and
-- those due, and leases them to this daemon.
-- KEYS[1] {schedule}, KEYS[2] {schedule}:running, KEYS[3] {schedule}:owner
-- ARGV[1] now (ms), ARGV[2] lease (ms), ARGV[3] most items to claim, ARGV[4] owner
-- Returns { item, taken_over } pairs, taken_over 1 for an item taken from another lease.
local due_key, running, owners = KEYS[1], KEYS[2], KEYS[3]
local now, lease, limit, owner = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
local out = {}
local stale = redis.call('ZRANGEBYSCORE', running, '-inf', now, 'LIMIT', 0, limit)
for _, item in ipairs(stale) do
  redis.call('ZADD', running, now + lease, item)
  redis.call('HSET', owners, item, owner)
  out[#out + 1] = {item, 1}
end
local due = redis.call('ZRANGEBYSCORE', due_key, '-inf', now, 'LIMIT', 0, limit - #stale)
for _, item in ipairs(due) do
  redis.call('ZREM', due_key, item)
  redis.call('ZADD', running, now + lease, item)
  redis.call('HSET', owners, item, owner)
  out[#out + 1] = {item, 0}
end
return out
