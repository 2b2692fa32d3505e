#!lua
-- Creates an alert with its audit entry on its trail, in one atomic step: the trail never
-- misses a creation and a taken id writes nothing. The caller claims the alert's code and
-- lists it in the index before (keys of other hash slots: alert_store.cpp says why in that
-- order), and relays the trail to the global audit stream after (alerts/alert_relay.h).
-- KEYS[1] alert:{id}, KEYS[2] alert:{id}:audit (its trail)
-- ARGV[1] id, ARGV[2] actor, ARGV[3] audit detail, then field, value pairs of alert:{id}
-- Returns 1, or 0 (nothing written) when the id is already taken.
--!include alerts/audited_lib.lua
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 4))
audited(KEYS[2], 'actor', ARGV[2], 'action', 'alert.create', 'subject', ARGV[1],
        'detail', ARGV[3])
return 1
