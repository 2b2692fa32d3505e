#!lua
-- Creates a child alert (a wave or a follow-up) under the id its parent's slot holds
-- (alert_reserve_child.lua), with its audit entry on its own trail, in one atomic step.
-- Run again for the same child (a wave run again), it writes nothing.
-- KEYS[1] alert:{child}, KEYS[2] alert:{child}:audit (its trail)
-- ARGV[1] child id, ARGV[2] parent id, ARGV[3] actor, ARGV[4] audit detail, then field,
-- value pairs of alert:{child} (with its parent's id under "parent")
-- Returns 'created', 'exists' (this parent's child, already written) or 'taken' (another
-- alert has the id); nothing is written but on 'created'.
--!include alerts/audited_lib.lua
if redis.call('EXISTS', KEYS[1]) == 1 then
  if redis.call('HGET', KEYS[1], 'parent') == ARGV[2] then return 'exists' end
  return 'taken'
end
redis.call('HSET', KEYS[1], unpack(ARGV, 5))
audited(KEYS[2], 'actor', ARGV[3], 'action', 'alert.create', 'subject', ARGV[1],
        'detail', ARGV[4])
return 'created'
