#!lua
-- Takes back every bus seat still unconfirmed at the lapse time (seats/seat_scripts.h):
-- those waiting board in order, then each member whose seat lapsed goes to the end of the
-- waitlist and is told their rank ('lapsed' on the alert's seat news), or keeps a seat nobody
-- waited for. A second run finds nothing unconfirmed.
-- KEYS[1] the alert (the fragments' base), KEYS[2] its seat hash, KEYS[3] its seat news
-- (alert:{id}:seat_notices, relayed by the caller to seats:notices: alerts/alert_relay.h)
-- ARGV[1] alert id, ARGV[2] at_ms
-- Returns {members sent to the waitlist, members boarded}.
-- Each pickup point's waitlist (alert:{id}:wait:<pickup>) is named from the seats read.
--!include turnout/reach_lib.lua
--!include seats/seat_lib.lua
local alert, at = ARGV[1], ARGV[2]
local base = KEYS[1]
local lapsed, pickups = 0, {}
-- Oldest seats first, so the waitlist keeps their order among themselves.
local unconfirmed = {}
local flat = redis.call('HGETALL', KEYS[2])
for i = 1, #flat, 2 do
  local f = seat_split(flat[i + 1])
  if f[5] ~= '1' then unconfirmed[#unconfirmed + 1] = { member = flat[i], at = tonumber(f[4]) or 0 } end
end
table.sort(unconfirmed, function(a, b)
  if a.at ~= b.at then return a.at < b.at end
  return a.member < b.member
end)
-- Their seats go first to those already waiting; then each lapsed member joins the end of
-- the waitlist, unless nobody waits and a seat is still free (nobody needed theirs: they
-- keep one, confirmed, since it is given after the request). So the rank they are told is
-- the one they have.
for _, seat in ipairs(unconfirmed) do
  seat.held = seat_held(base, seat.member)
  seat_release(base, seat.member, seat.held)
  pickups[seat.held.pickup] = true
end
local boarded = 0
for pickup in pairs(pickups) do boarded = boarded + seat_promote(base, alert, pickup, at) end
for _, seat in ipairs(unconfirmed) do
  local pickup, seats = seat.held.pickup, seat.held.seats
  local bus = nil
  if redis.call('ZCARD', base .. ':wait:' .. pickup) == 0 then
    bus = seat_bus_with_room(base, pickup, seats)
  end
  if bus then
    seat_take(base, seat.member, pickup, bus, seats, at)
  else
    local now = seat_wait(base, seat.member, pickup, seats, at)
    redis.call('XADD', KEYS[3], '*', 'alert', alert, 'member', seat.member, 'kind',
               'lapsed', 'pickup', pickup, 'bus', '0', 'rank', tostring(now.rank))
    lapsed = lapsed + 1
  end
end
turnout_flush()
if lapsed > 0 then turnout_changed(base) end
return { lapsed, boarded }
