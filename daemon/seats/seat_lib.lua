-- Lua shared by the scripts that give out, take back and hand on bus seats: the reply
-- record script (an answer that asks for a seat, changes or gives it up), the "add a bus"
-- script and the seat-confirmation lapse (replies/record_replies.lua, seats/add_bus.lua,
-- seats/lapse_unconfirmed.lua). Included after turnout/reach_lib.lua (it counts through
-- turnout_count / turnout_add), so every move of a seat and the counts it changes happen in
-- one step: seats held and waiting always equal a recount (seat_record.h).
--
-- Where a pickup point's seats live (base = "alert:{id}", keys in alerts/alert_keys.h):
--   base               fields "fleet:<pickup>" (buses now), "seats_per_bus:<pickup>",
--                      "fleet_hint:<pickup>" (no bus before it has a free seat),
--                      "fleet_free:<pickup>" (seats free on all its buses),
--                      "fleet_place:<pickup>" (the turnout prefix "<region>|pickup:<p>|"
--                      of the pickup point's own region), "seat_ask_at_ms" (seats given
--                      before it must be confirmed; 0 = none asked), written at creation
--                      (seats/fleet.h); "fleet:<pickup>" grows when a bus is added
--   base:seat          member -> "pickup\31bus\31seats\31at_ms\31confirmed"
--   base:load          "pickup\31bus" -> seats taken on that bus
--   base:waiting       member -> "pickup\31seats\31at_ms\31sequence"
--   base:wait:<pickup> ZSET member by arrival sequence (base:seat_seq)
--   base:seat_notices  STREAM of what to tell a member who did not just write to us:
--                      alert, member, kind ("promoted", "lapsed"), pickup, bus, rank;
--                      the caller relays it to seats:notices (alerts/alert_relay.h)
--
-- Counts (alert:{id}:day): "seated" and "waitlisted" are seats, at the member's place and
-- at "<member's region>|pickup:<p>|"; "buses" at the pickup point's own prefix.
--
-- Rules: a seat goes to the first bus with room for the member's whole party; nobody jumps
-- the waitlist (a newcomer joins it while anyone waits there); a freed seat goes to those
-- waiting in arrival order, each to the first bus with room for their party (a party too
-- large for the seats left keeps its place, and a smaller one behind it may board).
--
-- Functions:
--   seat_place_given(base, member, place)  the place the caller read for the member, used
--                                  by their seat counts when the alert has not placed them
--   seat_held(base, member)        {state = 'seated'|'waitlisted', pickup, bus, seats, ...}
--                                  or nil
--   seat_settle(base, alert, member, want, at)   makes the member's seat match `want`
--                                  ({pickup, seats} or nil): keeps, shrinks, takes, waits
--                                  or gives back; promotes at a pickup point that freed
--                                  seats. Returns the member's holding afterwards (or nil)
--   seat_promote(base, alert, pickup, at)   hands free seats to those waiting; returns how
--                                  many boarded
--   seat_confirm(base, member)     marks a held seat confirmed; true when it was not yet
local SEAT_SEP = '\031'
local function seat_split(text)
  local f = {}
  for field in (text .. SEAT_SEP):gmatch('([^' .. SEAT_SEP .. ']*)' .. SEAT_SEP) do
    f[#f + 1] = field
  end
  return f
end
-- Read once per script call: a batch of replies asks about the same pickup point again and
-- again. seat_fleet_changed() forgets it (a bus added).
local seat_fleets, seat_places, seat_given = {}, {}, {}
local function seat_fleet(base, pickup)
  local key = base .. SEAT_SEP .. pickup
  local fleet = seat_fleets[key]
  if not fleet then
    local f = redis.call('HMGET', base, 'fleet:' .. pickup, 'seats_per_bus:' .. pickup,
                         'seat_ask_at_ms')
    fleet = { tonumber(f[1]) or 0, tonumber(f[2]) or 0, tonumber(f[3]) or 0 }
    seat_fleets[key] = fleet
  end
  return fleet[1], fleet[2], fleet[3]
end
local seat_free, seat_hints
local function seat_fleet_changed(base, pickup)
  seat_fleets[base .. SEAT_SEP .. pickup] = nil
  seat_free[base .. SEAT_SEP .. pickup] = nil
end
-- The place the caller read from the roster for a member (turnout_place's `given`), for a
-- member the alert has not placed: their seat counts go there.
local function seat_place_given(base, member, place)
  seat_given[base .. SEAT_SEP .. member] = place
end
local function seat_count(base, member, pickup, measure, amount)
  local place = seat_places[base .. SEAT_SEP .. member]
  if not place then
    place = turnout_place(base, member, seat_given[base .. SEAT_SEP .. member])
    seat_places[base .. SEAT_SEP .. member] = place
  end
  turnout_count(base, ':day', place, measure, amount)
  local region = string.match(place, '^[^|]*')
  turnout_add(base .. ':day', { region .. '|pickup:' .. turnout_part(pickup) .. '|' }, measure,
              amount)
end
local function seat_held(base, member)
  local s = redis.call('HGET', base .. ':seat', member)
  if s then
    local f = seat_split(s)
    return { state = 'seated', pickup = f[1], bus = tonumber(f[2]) or 0,
             seats = tonumber(f[3]) or 0, at = f[4], confirmed = f[5] }
  end
  local w = redis.call('HGET', base .. ':waiting', member)
  if w then
    local f = seat_split(w)
    local rank = redis.call('ZRANK', base .. ':wait:' .. f[1], member)
    return { state = 'waitlisted', pickup = f[1], seats = tonumber(f[2]) or 0, at = f[3],
             rank = (rank or 0) + 1 }
  end
  return nil
end
-- Buses fill in order, so the search starts at "fleet_hint:<pickup>": no bus before it has
-- a free seat (a seat freed on an earlier bus moves the hint back). A large fleet is then
-- searched a few buses at a time, not all of it per answer.
local SEAT_SCAN = 16
seat_hints = {}  -- base .. pickup -> the hint, read once per call, kept as written
local function seat_hint(base, pickup)
  local key = base .. SEAT_SEP .. pickup
  if not seat_hints[key] then
    seat_hints[key] = tonumber(redis.call('HGET', base, 'fleet_hint:' .. pickup)) or 1
  end
  return seat_hints[key]
end
local function seat_set_hint(base, pickup, bus)
  seat_hints[base .. SEAT_SEP .. pickup] = bus
  redis.call('HSET', base, 'fleet_hint:' .. pickup, bus)
end
-- Seats free at a pickup point ("fleet_free:<pickup>", kept with every load change): a full
-- fleet answers "no room" without looking at any bus.
seat_free = {}
local function seat_free_at(base, pickup)
  local key = base .. SEAT_SEP .. pickup
  if not seat_free[key] then
    seat_free[key] = tonumber(redis.call('HGET', base, 'fleet_free:' .. pickup)) or 0
  end
  return seat_free[key]
end
local function seat_bus_with_room(base, pickup, seats)
  local buses, per = seat_fleet(base, pickup)
  if buses == 0 or seats > per or seat_free_at(base, pickup) < seats then return nil end
  local first = seat_hint(base, pickup)
  local any_room = nil
  for from = first, buses, SEAT_SCAN do
    local to = math.min(from + SEAT_SCAN - 1, buses)
    local fields = {}
    for b = from, to do fields[#fields + 1] = pickup .. SEAT_SEP .. b end
    local loads = redis.call('HMGET', base .. ':load', unpack(fields))
    for b = from, to do
      local free = per - (tonumber(loads[b - from + 1]) or 0)
      if free > 0 and not any_room then
        any_room = b
        if any_room ~= first then seat_set_hint(base, pickup, any_room) end
      end
      if free >= seats then return b end
    end
  end
  if not any_room and first <= buses then seat_set_hint(base, pickup, buses + 1) end
  return nil
end
local function seat_load(base, pickup, bus, amount)
  seat_free[base .. SEAT_SEP .. pickup] =
      redis.call('HINCRBY', base, 'fleet_free:' .. pickup, -amount)
  local field = pickup .. SEAT_SEP .. bus
  if redis.call('HINCRBY', base .. ':load', field, amount) <= 0 then
    redis.call('HDEL', base .. ':load', field)
  end
  if amount < 0 and bus < seat_hint(base, pickup) then seat_set_hint(base, pickup, bus) end
end
-- A seat taken before the confirmation is asked must be confirmed; one given after it
-- needs none (the member just answered, or was just told they boarded).
local function seat_take(base, member, pickup, bus, seats, at)
  local _, _, ask_at = seat_fleet(base, pickup)
  local confirmed = (ask_at == 0 or tonumber(at) >= ask_at) and '1' or '0'
  seat_load(base, pickup, bus, seats)
  redis.call('HSET', base .. ':seat', member,
             table.concat({ pickup, bus, seats, at, confirmed }, SEAT_SEP))
  seat_count(base, member, pickup, 'seated', seats)
  return { state = 'seated', pickup = pickup, bus = bus, seats = seats, at = at,
           confirmed = confirmed }
end
local function seat_wait(base, member, pickup, seats, at)
  local sequence = redis.call('INCR', base .. ':seat_seq')
  redis.call('ZADD', base .. ':wait:' .. pickup, sequence, member)
  redis.call('HSET', base .. ':waiting', member,
             table.concat({ pickup, seats, at, sequence }, SEAT_SEP))
  seat_count(base, member, pickup, 'waitlisted', seats)
  return { state = 'waitlisted', pickup = pickup, seats = seats, at = at,
           rank = redis.call('ZRANK', base .. ':wait:' .. pickup, member) + 1 }
end
local function seat_release(base, member, held)
  if held.state == 'seated' then
    redis.call('HDEL', base .. ':seat', member)
    seat_load(base, held.pickup, held.bus, -held.seats)
    seat_count(base, member, held.pickup, 'seated', -held.seats)
  else
    redis.call('HDEL', base .. ':waiting', member)
    redis.call('ZREM', base .. ':wait:' .. held.pickup, member)
    seat_count(base, member, held.pickup, 'waitlisted', -held.seats)
  end
end
-- At most this many of those waiting are looked at per call: a script stays short, and a
-- seat freed is one seat (the next call looks again). They are read a few at a time: the
-- first one waiting usually boards, and a waitlist may be thousands long.
local SEAT_PROMOTE_SCAN = 500
local SEAT_PROMOTE_CHUNK = 8
local function seat_promote(base, alert, pickup, at)
  local key = base .. ':wait:' .. pickup
  local boarded, kept, looked = 0, 0, 0
  while looked < SEAT_PROMOTE_SCAN do
    -- Any seat left at all? Once the seats freed are taken, nobody else is looked at.
    local room = seat_bus_with_room(base, pickup, 1)
    if not room then break end
    local chunk = redis.call('ZRANGE', key, kept, kept + SEAT_PROMOTE_CHUNK - 1)
    if #chunk == 0 then break end
    for _, member in ipairs(chunk) do
      looked = looked + 1
      local w = redis.call('HGET', base .. ':waiting', member)
      local seats = w and (tonumber(seat_split(w)[2]) or 1)
      local bus = w and (seats == 1 and room or seat_bus_with_room(base, pickup, seats))
      if bus then
        seat_release(base, member, { state = 'waitlisted', pickup = pickup, seats = seats })
        seat_take(base, member, pickup, bus, seats, at)
        redis.call('XADD', base .. ':seat_notices', '*', 'alert', alert, 'member', member, 'kind',
                   'promoted', 'pickup', pickup, 'bus', tostring(bus), 'rank', '0')
        boarded = boarded + 1
        break  -- the seats left changed: look again from the first still waiting
      elseif w then
        kept = kept + 1  -- a party too large for the seats left keeps its place
      else
        redis.call('ZREM', key, member)  -- a stray entry: the hash is the truth
      end
    end
  end
  return boarded
end
local function seat_settle(base, alert, member, want, at)
  local held = seat_held(base, member)
  if want then
    local buses = seat_fleet(base, want.pickup)
    if buses == 0 then want = nil end
  end
  if held and want and held.pickup == want.pickup then
    if held.seats == want.seats then return held end
    if held.state == 'seated' and want.seats < held.seats then
      -- Fewer seats: kept on the same bus, the rest handed on.
      seat_load(base, held.pickup, held.bus, want.seats - held.seats)
      seat_count(base, member, held.pickup, 'seated', want.seats - held.seats)
      held.seats = want.seats
      redis.call('HSET', base .. ':seat', member,
                 table.concat({ held.pickup, held.bus, held.seats, held.at, held.confirmed },
                              SEAT_SEP))
      seat_promote(base, alert, held.pickup, at)
      return held
    end
  end
  local was_seated = held and held.state == 'seated'
  if held then seat_release(base, member, held) end
  local now = nil
  if want then
    -- A member already seated there keeps their turn; anyone else queues behind those
    -- waiting.
    local bus = nil
    if (was_seated and held.pickup == want.pickup) or
        redis.call('ZCARD', base .. ':wait:' .. want.pickup) == 0 then
      bus = seat_bus_with_room(base, want.pickup, want.seats)
    end
    if bus then
      now = seat_take(base, member, want.pickup, bus, want.seats, at)
    else
      now = seat_wait(base, member, want.pickup, want.seats, at)
    end
  end
  if was_seated then seat_promote(base, alert, held.pickup, at) end
  return now
end
local function seat_confirm(base, member)
  local s = redis.call('HGET', base .. ':seat', member)
  if not s then return false end
  local f = seat_split(s)
  if f[5] == '1' then return false end
  f[5] = '1'
  redis.call('HSET', base .. ':seat', member, table.concat(f, SEAT_SEP))
  return true
end
