#!lua
-- Confirms a ride match (a driver and riders, rides/ride_matching.h) if nothing it was
-- decided on has changed since it was read: each RSVP as read, no rider holding a bus seat
-- or already matched, the driver's car not full. The match, each rider's link to it, the
-- driver's load and the audit entry in one atomic step.
-- KEYS[1] alert:{id}:rsvp, KEYS[2] alert:{id}:seat, KEYS[3] alert:{id}:rides, KEYS[4]
-- alert:{id}:riding, KEYS[5] alert:{id}:car_load, KEYS[6] alert:{id}:ride_seq, KEYS[7]
-- alert:{id}:audit (its trail, relayed by the caller: alerts/alert_relay.h)
-- ARGV[1] driver, ARGV[2] the driver's RSVP as read, ARGV[3] seats offered, ARGV[4] seats
-- asked, ARGV[5] the match record, ARGV[6] actor, ARGV[7] alert id, ARGV[8] audit detail,
-- then rider, rider's RSVP as read, pairs
-- Returns { 'ok', match id } or, writing nothing, { 'changed' | 'seated' | 'matched' |
-- 'full', the member at fault }.
--!include alerts/audited_lib.lua
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return { 'changed', ARGV[1] } end
for i = 9, #ARGV, 2 do
  local rider = ARGV[i]
  if redis.call('HGET', KEYS[1], rider) ~= ARGV[i + 1] then return { 'changed', rider } end
  if redis.call('HEXISTS', KEYS[2], rider) == 1 then return { 'seated', rider } end
  if redis.call('HEXISTS', KEYS[4], rider) == 1 then return { 'matched', rider } end
end
local load = tonumber(redis.call('HGET', KEYS[5], ARGV[1]) or '0')
if load + tonumber(ARGV[4]) > tonumber(ARGV[3]) then
  return { 'full', ARGV[1] }
end
local id = 'R' .. redis.call('INCR', KEYS[6])
redis.call('HSET', KEYS[3], id, ARGV[5])
for i = 9, #ARGV, 2 do redis.call('HSET', KEYS[4], ARGV[i], id) end
redis.call('HINCRBY', KEYS[5], ARGV[1], ARGV[4])
audited(KEYS[7], 'actor', ARGV[6], 'action', 'ride.confirm', 'subject', ARGV[7],
        'detail', 'match=' .. id .. ' ' .. ARGV[8])
return { 'ok', id }
