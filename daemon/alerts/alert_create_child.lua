#!lua
-- Creates a child alert (a wave or a follow-up: alerts/child_alert.h), once per slot of
-- its parent ("wave:2"): a wave run again after a crash finds the child stored the first
-- time. The child, its audit entries and the parent's link to it in one atomic step.
-- KEYS[1] alert:{child}, KEYS[2] alerts (the index by creation time), KEYS[3]
-- alert:{parent}:children, KEYS[4] audit, KEYS[5] alert:{parent}, KEYS[6]
-- alert:{parent}:audit (the parent's trail), KEYS[7] alert:{child}:audit (the child's)
-- ARGV[1] child id, ARGV[2] created_at_ms, ARGV[3] actor, ARGV[4] audit detail, ARGV[5]
-- slot, then field, value pairs of alert:{child}
-- Returns {outcome, child id}: "created", "exists" (the slot's child), "no_parent", or
-- "taken" (the id is in use: try another); nothing is written but on "created".
-- The child's keys and the parent's carry different hash tags, and the index and the
-- global audit stream neither.
--!include alerts/audited_lib.lua
local existing = redis.call('HGET', KEYS[3], ARGV[5])
if existing then return { 'exists', existing } end
if redis.call('EXISTS', KEYS[5]) == 0 then return { 'no_parent', '' } end
if redis.call('EXISTS', KEYS[1]) == 1 then return { 'taken', '' } end
redis.call('HSET', KEYS[1], unpack(ARGV, 6))
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
redis.call('HSET', KEYS[3], ARGV[5], ARGV[1])
audited(KEYS[4], KEYS[1], 'actor', ARGV[3], 'action', 'alert.create', 'subject', ARGV[1],
        'detail', ARGV[4])
-- The parent's trail shows its follow-ups and waves.
redis.call('XADD', KEYS[6], '*', 'actor', ARGV[3], 'action', 'alert.child_create',
           'subject', ARGV[1], 'detail', ARGV[4])
return { 'created', ARGV[1] }
