#!lua
-- Creates an alert, with its code and its audit entry, in one atomic step: the audit
-- stream never misses a creation and a taken id or code writes nothing.
-- KEYS[1] alert:{id}, KEYS[2] alerts (the index by creation time), KEYS[3]
-- alert:code:{code}, KEYS[4] audit, KEYS[5] alert:{id}:audit (the alert's trail)
-- ARGV[1] id, ARGV[2] created_at_ms, ARGV[3] actor, ARGV[4] audit detail, then field,
-- value pairs of alert:{id}
-- Returns 1, or 0 (nothing written) when the id or the code is already taken.
-- The index, the code and the global audit stream are not under the alert's hash tag.
--!include alerts/audited_lib.lua
if redis.call('EXISTS', KEYS[1]) == 1 or redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 5))
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
redis.call('SET', KEYS[3], ARGV[1])
audited(KEYS[4], KEYS[1], 'actor', ARGV[3], 'action', 'alert.create', 'subject', ARGV[1],
        'detail', ARGV[4])
return 1
