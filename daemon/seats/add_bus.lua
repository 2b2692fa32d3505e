#!lua
-- Adds buses to a pickup point that gives seats (seats/seat_scripts.h): its fleet and free
-- seats grow, its live "buses" count shows the new total, and those waiting board in order
-- in the same step; audited.
-- KEYS[1] the alert (the fragments' base), KEYS[2] its day counts, KEYS[3] its trail
-- (alert:{id}:audit; the caller relays it and the seat news: alerts/alert_relay.h)
-- ARGV[1] alert id, ARGV[2] pickup id, ARGV[3] buses to add, ARGV[4] actor, ARGV[5] the
-- audit detail, ARGV[6] at_ms
-- Returns {'ok', buses now, members boarded}, or {'no_alert'}, {'wrong_state', state},
-- {'no_buses'} (the pickup point does not give seats).
-- The fragments name the alert's seat keys (and its seat news, which boarding writes)
-- from KEYS[1] and the pickup.
--!include turnout/reach_lib.lua
--!include seats/seat_lib.lua
--!include alerts/audited_lib.lua
local alert, pickup, added, at = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[6]
local base = KEYS[1]
local state = redis.call('HGET', base, 'state')
if not state then return { 'no_alert' } end
if state == 'cancelled' or state == 'closed' then return { 'wrong_state', state } end
if not redis.call('HGET', base, 'fleet:' .. pickup) then return { 'no_buses' } end
local buses = redis.call('HINCRBY', base, 'fleet:' .. pickup, added)
local per = tonumber(redis.call('HGET', base, 'seats_per_bus:' .. pickup)) or 0
redis.call('HINCRBY', base, 'fleet_free:' .. pickup, added * per)
seat_fleet_changed(base, pickup)
-- The live count of buses is the pickup point's "buses" field, set to the new total.
local prefix = redis.call('HGET', base, 'fleet_place:' .. pickup)
local shown = tonumber(redis.call('HGET', KEYS[2], prefix .. 'buses')) or 0
turnout_add(KEYS[2], { prefix }, 'buses', buses - shown)
local boarded = seat_promote(base, alert, pickup, at)
turnout_flush()
turnout_changed(base)
audited(KEYS[3], 'actor', ARGV[4], 'action', 'pickup.add_bus', 'subject', alert,
        'detail', ARGV[5] .. ' buses=' .. buses .. ' boarded=' .. boarded)
return { 'ok', buses, boarded }
