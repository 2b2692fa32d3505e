#!lua
-- Leases the retries that are due: each entry taken moves to now + lease, so a daemon that
-- dies before recording its result leaves it to be taken again when the lease runs out.
-- KEYS[1] q:retry
-- ARGV[1] now (ms), ARGV[2] lease (ms), ARGV[3] most entries to take
-- Returns the entries due now ("alert|member|channel|attempt"), earliest first.
local now, lease, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, limit)
for _, entry in ipairs(due) do redis.call('ZADD', KEYS[1], now + lease, entry) end
return due
