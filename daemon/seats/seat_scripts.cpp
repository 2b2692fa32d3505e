#include "seats/seat_scripts.h"

#include <string>

#include "alerts/alert_scripts.h"
#include "seats/seat_lua.h"
#include "turnout/reach_lua.h"

namespace tocsin::seats {

const redis::Script& add_bus_script() {
  static const redis::Script script(std::string(turnout::kReachLua) + kSeatLua +
                                    alerts::kAuditedLua + R"lua(
local alert, pickup, added, at = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[6]
local base = 'alert:{' .. alert .. '}'
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
local shown = tonumber(redis.call('HGET', base .. ':day', prefix .. 'buses')) or 0
turnout_add(base .. ':day', { prefix }, 'buses', buses - shown)
local boarded = seat_promote(base, alert, pickup, at)
turnout_flush()
turnout_changed(base)
audited('audit', base, 'actor', ARGV[4], 'action', 'pickup.add_bus', 'subject', alert,
        'detail', ARGV[5] .. ' buses=' .. buses .. ' boarded=' .. boarded)
return { 'ok', buses, boarded }
)lua");
  return script;
}

const redis::Script& lapse_unconfirmed_script() {
  static const redis::Script script(std::string(turnout::kReachLua) + kSeatLua + R"lua(
local alert, at = ARGV[1], ARGV[2]
local base = 'alert:{' .. alert .. '}'
local lapsed, pickups = 0, {}
-- Oldest seats first, so the waitlist keeps their order among themselves.
local unconfirmed = {}
local flat = redis.call('HGETALL', base .. ':seat')
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
    redis.call('XADD', 'seats:notices', '*', 'alert', alert, 'member', seat.member, 'kind',
               'lapsed', 'pickup', pickup, 'bus', '0', 'rank', tostring(now.rank))
    lapsed = lapsed + 1
  end
end
turnout_flush()
if lapsed > 0 then turnout_changed(base) end
return { lapsed, boarded }
)lua");
  return script;
}

}  // namespace tocsin::seats
