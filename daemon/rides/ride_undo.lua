#!lua
-- Undoes a confirmed ride match if it is still as read: its riders are free again and the
-- driver's load drops by the match's seats, with the audit entry, in one atomic step.
-- KEYS[1] alert:{id}:rides, KEYS[2] alert:{id}:riding, KEYS[3] alert:{id}:car_load,
-- KEYS[4] alert:{id}:audit (its trail, relayed by the caller: alerts/alert_relay.h)
-- ARGV[1] match id, ARGV[2] its record as read, ARGV[3] actor, ARGV[4] alert id, ARGV[5]
-- audit detail, ARGV[6] driver, ARGV[7] seats, then the riders
-- Returns 'ok', or, writing nothing, 'missing' (no such match) or 'changed'.
--!include alerts/audited_lib.lua
local record = redis.call('HGET', KEYS[1], ARGV[1])
if not record then return 'missing' end
if record ~= ARGV[2] then return 'changed' end
for i = 8, #ARGV do
  if redis.call('HGET', KEYS[2], ARGV[i]) == ARGV[1] then redis.call('HDEL', KEYS[2], ARGV[i]) end
end
if redis.call('HINCRBY', KEYS[3], ARGV[6], -tonumber(ARGV[7])) <= 0 then
  redis.call('HDEL', KEYS[3], ARGV[6])
end
redis.call('HDEL', KEYS[1], ARGV[1])
audited(KEYS[4], 'actor', ARGV[3], 'action', 'ride.undo', 'subject', ARGV[4],
        'detail', 'match=' .. ARGV[1] .. ' ' .. ARGV[5])
return 'ok'
