#!lua
-- Applies one alert's replies of a batch (replies/reply_scripts.h), in order: RSVPs and the
-- tally moved by their difference, unclear replies kept for a coordinator. Bus seats are
-- given, kept and handed on in the same step (seats/seat_lib.lua); the tally's arithmetic
-- is rsvp_record.cpp's add_to_tally and add_unknown_to_tally. Every key is the alert's (a
-- batch spanning alerts is one call per alert; opt-outs are the caller's, sms_opt_outs.h).
-- KEYS[1] the alert (the fragments' base), KEYS[2] its rsvp, KEYS[3] rsvp_text,
-- KEYS[4] unknown, KEYS[5] tally
-- ARGV[1] alert id, ARGV[2] n, then per reply nine: kind ('rsvp' | 'unknown'), member, the
-- encoded RsvpRecord, text, at_ms, and the member's region, sector, local and title as the
-- caller read them from the roster (their place when the alert has not placed them yet)
-- Returns per reply its status: 'recorded' or 'same' (each followed by the member's seat,
-- seats/seat_status.h), 'unknown' or 'ignored'.
-- The fragments name the alert's other keys from its base (dims, regions, seats, the
-- turnout version, its seat news: relayed by the caller to seats:notices).
--!include turnout/reach_lib.lua
--!include seats/seat_lib.lua
local SEP = '\031'
local function decode(text)
  if not text then return nil end
  local f = {}
  for field in (text .. SEP):gmatch('([^' .. SEP .. ']*)' .. SEP) do f[#f + 1] = field end
  -- Records stored before job titles were have one field fewer.
  if #f == 10 then table.insert(f, 9, '') end
  return { answer = f[1], bus = tonumber(f[2]) or 0, car = tonumber(f[3]) or 0,
           party = tonumber(f[4]) or 0, pickup = f[5] or '', region = f[6] or '',
           sector = f[7] or '', ['local'] = f[8] or '', title = f[9] or '',
           source = f[11] or '' }
end
-- The seat an answer asks for: a yes with bus seats at a pickup point.
local function wanted_seat(record)
  if record.answer == 'yes' and record.bus > 0 and record.pickup ~= '' then
    return { pickup = record.pickup, seats = record.bus }
  end
  return nil
end
-- "recorded" or "same", then the member's seat: state, pickup, bus, seats, rank.
local function with_seat(status, holding)
  if not holding then return status end
  return table.concat({ status, holding.state, holding.pickup, tostring(holding.bus or 0),
                        tostring(holding.seats or 0), tostring(holding.rank or 0) }, SEP)
end
local function move(base, tally, record, sign)
  local changes = { [record.answer] = 1 }
  if record.answer == 'yes' then
    changes.coming = record.party > 0 and record.party or 1
    changes.bus = record.bus
    changes.car = record.car
  end
  local place = turnout_place_of(record.region, record.sector, record['local'], record.title)
  for measure, amount in pairs(changes) do
    if amount ~= 0 then turnout_count(base, ':tally', place, measure, sign * amount) end
  end
  if record.pickup ~= '' then
    local pickup = { turnout_part(record.region) .. '|pickup:' .. turnout_part(record.pickup) .. '|' }
    for _, measure in ipairs({ record.answer, 'coming', 'bus' }) do
      local amount = changes[measure]
      if amount and amount ~= 0 and (measure == record.answer or record.answer == 'yes') then
        turnout_add(tally, pickup, measure, sign * amount)
      end
    end
  end
end
local changed, changed_order = {}, {}
local function mark(base)
  if not changed[base] then changed[base] = true; changed_order[#changed_order + 1] = base end
end
local function count_unknown(base, member, given, sign)
  turnout_count(base, ':tally', turnout_place(base, member, given), 'unknown', sign)
  mark(base)
end

local out = {}
local base, rsvp, rsvp_text, unknown, tally = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local alert = ARGV[1]
local n = tonumber(ARGV[2])
for i = 0, n - 1 do
  local b = 3 + i * 9
  local kind, member, encoded, text, at = ARGV[b], ARGV[b + 1], ARGV[b + 2], ARGV[b + 3],
                                          ARGV[b + 4]
  local given = turnout_place_of(ARGV[b + 5], ARGV[b + 6], ARGV[b + 7], ARGV[b + 8])
  seat_place_given(base, member, given)
  if kind == 'rsvp' then
    local old = redis.call('HGET', rsvp, member)
    redis.call('HSET', rsvp_text, member, text)
    if redis.call('HDEL', unknown, member) == 1 and not old then
      count_unknown(base, member, given, -1)
    end
    -- The time is the last field: a repeated answer changes nothing but it.
    local function answer_part(r) return r and string.match(r, '^(.*)' .. SEP .. '[^' .. SEP .. ']*' .. SEP .. '[^' .. SEP .. ']*$') end
    local new = decode(encoded)
    local previous = old and decode(old)
    -- A plain yes by SMS ("OUI A7", as a seat confirmation asks) from a member holding a
    -- bus seat or a place on the waitlist repeats their answer: it must not give the seat up.
    local holding = nil
    if previous and previous.answer == 'yes' and previous.bus > 0 and new.answer == 'yes' and
        new.source == 'sms' and new.bus == 0 and new.car == 0 and new.party == 0 then
      holding = seat_held(base, member)
    end
    if holding or (old and answer_part(old) == answer_part(encoded)) then
      -- Said again: a held seat is confirmed (no count moves).
      seat_confirm(base, member)
      out[#out + 1] = with_seat('same', holding or seat_held(base, member))
    else
      if old then move(base, tally, previous, -1) end
      move(base, tally, new, 1)
      redis.call('HSET', rsvp, member, encoded)
      local seat = seat_settle(base, alert, member, wanted_seat(new), at)
      mark(base)
      out[#out + 1] = with_seat('recorded', seat)
    end
  elseif kind == 'unknown' then
    if redis.call('HSET', unknown, member, at .. '|' .. text) == 1 and
       redis.call('HEXISTS', rsvp, member) == 0 then
      count_unknown(base, member, given, 1)
    end
    out[#out + 1] = 'unknown'
  else
    out[#out + 1] = 'ignored'
  end
end
turnout_flush()
for _, base in ipairs(changed_order) do turnout_changed(base) end
return out
