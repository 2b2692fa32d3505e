#include "checkin/checkin_scripts.h"

#include <string>

#include "alerts/alert_scripts.h"
#include "redis/script.h"
#include "turnout/reach_lua.h"

namespace tocsin::checkin {

const redis::Script& check_in_script() {
  static const redis::Script script(std::string(turnout::kReachLua) + alerts::kAuditedLua + R"lua(
local SEP = '\031'
local function split(text)
  local f = {}
  for field in (text .. SEP):gmatch('([^' .. SEP .. ']*)' .. SEP) do f[#f + 1] = field end
  return f
end
local alert, member, how, by, at, audit = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local base = 'alert:{' .. alert .. '}'
if redis.call('EXISTS', base) == 0 then return { 'no_alert' } end
local rsvp = redis.call('HGET', base .. ':rsvp', member)
if not rsvp and redis.call('SISMEMBER', base .. ':audience', member) == 0 then
  return { 'not_in_alert' }
end
local answer = rsvp and split(rsvp)[1] or ''

-- Where the member counts: their place in the turnout, and the pickup point of their bus
-- seat, else of their answer (RSVP field 5), in the region of that place.
local place = nil
local function count(measure, amount)
  place = place or turnout_place(base, member)
  turnout_count(base, ':day', place, measure, amount)
  local seat = redis.call('HGET', base .. ':seat', member)
  local pickup = seat and split(seat)[1] or (rsvp and split(rsvp)[5]) or ''
  if pickup ~= '' then
    local region = string.match(place, '^[^|]*')
    turnout_add(base .. ':day', { region .. '|pickup:' .. turnout_part(pickup) .. '|' },
                measure, amount)
  end
end

local old = redis.call('HGET', base .. ':present', member)
if old then
  local f = split(old)
  if f[2] ~= 'self' or how == 'self' then
    if audit == '1' then
      audited('audit', base, 'actor', by, 'action', 'checkin.repeat', 'subject', alert,
              'detail', 'member=' .. member .. ' how=' .. how)
    end
    return { 'already', f[1], f[2], f[3], answer }
  end
  -- Seen at the door after saying so by SMS: now counted as checked in.
  count('present_self', -1)
  count('present', 1)
else
  count(how == 'self' and 'present_self' or 'present', 1)
end
redis.call('HSET', base .. ':present', member, at .. SEP .. how .. SEP .. by)
if audit == '1' then
  audited('audit', base, 'actor', by, 'action', 'checkin.record', 'subject', alert,
          'detail', 'member=' .. member .. ' how=' .. how)
end
turnout_flush()
turnout_changed(base)
return { 'checked_in', at, how, by, answer }
)lua");
  return script;
}

const redis::Script& short_code_script() {
  static const redis::Script script(R"lua(
local k = tonumber(ARGV[1])
local out = {}
for b = 2, #ARGV, k + 2 do
  local alert, member = ARGV[b], ARGV[b + 1]
  local base = 'alert:{' .. alert .. '}'
  local code = redis.call('HGET', base .. ':checkin_code_of', member)
  if not code then
    if redis.call('EXISTS', base) == 0 then
      code = 'no_alert'
    else
      code = 'taken'
      for i = b + 2, b + 1 + k do
        if redis.call('HSETNX', base .. ':checkin_codes', ARGV[i], member) == 1 then
          redis.call('HSET', base .. ':checkin_code_of', member, ARGV[i])
          code = ARGV[i]
          break
        end
      end
    end
  end
  out[#out + 1] = code
end
return out
)lua");
  return script;
}

}  // namespace tocsin::checkin
