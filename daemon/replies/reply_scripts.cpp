#include "replies/reply_scripts.h"

#include <string>

#include "redis/script.h"
#include "seats/seat_lua.h"
#include "turnout/reach_lua.h"

namespace tocsin::replies {

const redis::Script& match_replies_script() {
  static const redis::Script script(R"lua(
-- The open alerts among the 200 most recently created, most recently sent first. Read at
-- each batch, so a reply to an alert sent a moment ago finds it. A child (a wave or a
-- follow-up: it has a parent) went to its own numbers, but answers count on its parent,
-- and only while the parent takes answers.
local states, open = {}, {}
local function state_of(id)
  if states[id] == nil then
    local f = redis.call('HMGET', 'alert:{' .. id .. '}', 'state', 'sending_at_ms', 'parent')
    states[id] = { state = f[1], at = tonumber(f[2]) or 0, parent = f[3] }
  end
  return states[id]
end
local function takes_answers(s) return s.state == 'sending' or s.state == 'sent' end
for _, id in ipairs(redis.call('ZREVRANGE', 'alerts', 0, 199)) do
  local s = state_of(id)
  if takes_answers(s) then
    local target = s.parent or id
    if target == id or takes_answers(state_of(target)) then
      open[#open + 1] = { id = id, target = target, at = s.at }
    end
  end
end
table.sort(open, function(a, b) return a.at > b.at end)

local out = {}
for b = 1, #ARGV - 1, 2 do
  local number, code = ARGV[b], ARGV[b + 1]
  local candidates = open
  if code ~= '' then
    -- The quoted code names the parent; its children share it.
    local id = redis.call('GET', 'alert:code:' .. code)
    candidates = {}
    for _, candidate in ipairs(open) do
      if candidate.target == id then candidates[#candidates + 1] = candidate end
    end
  end
  local alert, member = '', ''
  for _, candidate in ipairs(candidates) do
    local m = redis.call('HGET', 'alert:{' .. candidate.id .. '}:to', number)
    if m then
      alert, member = candidate.target, m
      break
    end
  end
  if member ~= '' then
    local idx = redis.call('HMGET', 'member:' .. member .. ':idx', 'region', 'sector', 'local',
                           'language', 'title')
    out[#out + 1] = { alert, member, idx[1] or '', idx[2] or '', idx[3] or '', idx[4] or '',
                      idx[5] or '' }
  else
    out[#out + 1] = { '', '', '', '', '', '', '' }
  end
end
return out
)lua");
  return script;
}

// The tally arithmetic is rsvp_record.cpp's add_to_tally and add_unknown_to_tally, which
// recount() uses to check it; the places and field names are turnout/reach_lua.h's. Bus
// seats are given, kept and handed on by seats/seat_lua.h in the same step; an RSVP's
// result carries the member's seat after it (seats/seat_status.h).
const redis::Script& record_replies_script() {
  static const redis::Script script(std::string(turnout::kReachLua) + seats::kSeatLua + R"lua(
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
local function move(base, record, sign)
  local tally = base .. ':tally'
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
local function count_unknown(base, member, sign)
  turnout_count(base, ':tally', turnout_place(base, member), 'unknown', sign)
  mark(base)
end
local function holders(number) return redis.call('SMEMBERS', 'phone:' .. number) end

local out = {}
local n = tonumber(ARGV[1])
for i = 0, n - 1 do
  local b = 2 + i * 7
  local kind, alert, member, number = ARGV[b], ARGV[b + 1], ARGV[b + 2], ARGV[b + 3]
  local encoded, text, at = ARGV[b + 4], ARGV[b + 5], ARGV[b + 6]
  local base = 'alert:{' .. alert .. '}'
  if kind == 'rsvp' then
    local old = redis.call('HGET', base .. ':rsvp', member)
    redis.call('HSET', base .. ':rsvp_text', member, text)
    if redis.call('HDEL', base .. ':unknown', member) == 1 and not old then
      count_unknown(base, member, -1)
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
      if old then move(base, previous, -1) end
      move(base, new, 1)
      redis.call('HSET', base .. ':rsvp', member, encoded)
      local seat = seat_settle(base, alert, member, wanted_seat(new), at)
      mark(base)
      out[#out + 1] = with_seat('recorded', seat)
    end
  elseif kind == 'unknown' then
    if redis.call('HSET', base .. ':unknown', member, at .. '|' .. text) == 1 and
       redis.call('HEXISTS', base .. ':rsvp', member) == 0 then
      count_unknown(base, member, 1)
    end
    out[#out + 1] = 'unknown'
  elseif kind == 'stop' then
    redis.call('SADD', 'optout:sms', number)
    local h = holders(number)
    if #h > 0 then redis.call('SADD', 'optout:sms:members', unpack(h)) end
    out[#out + 1] = 'opted_out'
  elseif kind == 'start' then
    redis.call('SREM', 'optout:sms', number)
    local h = holders(number)
    if #h > 0 then redis.call('SREM', 'optout:sms:members', unpack(h)) end
    out[#out + 1] = 'resubscribed'
  else
    out[#out + 1] = 'ignored'
  end
end
turnout_flush()
for _, base in ipairs(changed_order) do turnout_changed(base) end
return out
)lua");
  return script;
}

const redis::Script& auto_answer_script() {
  static const redis::Script script(R"lua(
local limit, window = tonumber(ARGV[1]), ARGV[2]
local out = {}
for i = 3, #ARGV do
  local key = 'reply:auto:' .. ARGV[i]
  local n = redis.call('INCR', key)
  if n == 1 then redis.call('EXPIRE', key, window) end
  out[#out + 1] = n <= limit and 1 or 0
end
return out
)lua");
  return script;
}

}  // namespace tocsin::replies
