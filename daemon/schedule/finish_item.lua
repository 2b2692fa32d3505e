#!lua
-- Finishes a claimed item: done, or back in the schedule to be tried again. Only the lease
-- holder finishes an item: a daemon that lost its lease to another must not remove the
-- other's work.
-- KEYS[1] {schedule}, KEYS[2] {schedule}:running, KEYS[3] {schedule}:owner
-- ARGV[1] item, ARGV[2] owner, ARGV[3] when to try again (ms; "" when done)
-- Returns 1, or 0 when the lease is another daemon's (nothing changed).
local due_key, running, owners = KEYS[1], KEYS[2], KEYS[3]
local item, owner, retry_at = ARGV[1], ARGV[2], ARGV[3]
if redis.call('HGET', owners, item) ~= owner then return 0 end
redis.call('ZREM', running, item)
redis.call('HDEL', owners, item)
if retry_at ~= '' then redis.call('ZADD', due_key, retry_at, item) end
return 1
