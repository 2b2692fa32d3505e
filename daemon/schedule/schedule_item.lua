#!lua
-- Adds an item to the schedule, or moves its due time; leaves a running item alone (it is
-- being done now).
-- KEYS[1] {schedule}, KEYS[2] {schedule}:running
-- ARGV[1] item, ARGV[2] due (ms)
-- Returns 1, or 0 when the item is running (nothing changed).
if redis.call('ZSCORE', KEYS[2], ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
return 1
