#!lua
-- Records a member present at the event (checkin/checkin_scripts.h), atomically, so two
-- coordinators scanning the same member at the same second count them once. The first
-- record stays, except that a scan or manual record replaces a self-report (PRÉSENT A7),
-- moving the member from present_self to present. Counted in the event day's counts at the
-- member's place and at their pickup point (their bus seat's, else their answer's).
-- KEYS[1] the alert (the fragments' base), KEYS[2] its rsvp, KEYS[3] its audience,
-- KEYS[4] its seat, KEYS[5] its present, KEYS[6] its day, KEYS[7] its trail
-- (alert:{id}:audit, relayed by the caller: alerts/alert_relay.h)
-- ARGV[1] alert id, ARGV[2] member, ARGV[3] how ('scan' | 'manual' | 'self'), ARGV[4] by,
-- ARGV[5] at_ms, ARGV[6] '1' to write an audit entry, ARGV[7..10] the member's region,
-- sector, local and title as the caller read them from the roster (turnout/targeting.h):
-- their place when the alert has not placed them yet (alert:{id}:dims)
-- Returns {status, at_ms, how, by, answer}: status 'checked_in' or 'already'; or
-- {'no_alert'}, {'not_in_alert'}.
--!include turnout/reach_lib.lua
--!include alerts/audited_lib.lua
local SEP = '\031'
local function split(text)
  local f = {}
  for field in (text .. SEP):gmatch('([^' .. SEP .. ']*)' .. SEP) do f[#f + 1] = field end
  return f
end
local alert, member, how, by, at, audit = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local base = KEYS[1]
if redis.call('EXISTS', KEYS[1]) == 0 then return { 'no_alert' } end
local rsvp = redis.call('HGET', KEYS[2], member)
if not rsvp and redis.call('SISMEMBER', KEYS[3], member) == 0 then
  return { 'not_in_alert' }
end
local answer = rsvp and split(rsvp)[1] or ''

-- Where the member counts: their place in the turnout, and the pickup point of their bus
-- seat, else of their answer (RSVP field 5), in the region of that place.
local place = nil
local function count(measure, amount)
  place = place or turnout_place(base, member, turnout_place_of(ARGV[7], ARGV[8], ARGV[9],
                                                                ARGV[10]))
  turnout_count(base, ':day', place, measure, amount)
  local seat = redis.call('HGET', KEYS[4], member)
  local pickup = seat and split(seat)[1] or (rsvp and split(rsvp)[5]) or ''
  if pickup ~= '' then
    local region = string.match(place, '^[^|]*')
    turnout_add(KEYS[6], { region .. '|pickup:' .. turnout_part(pickup) .. '|' },
                measure, amount)
  end
end

local old = redis.call('HGET', KEYS[5], member)
if old then
  local f = split(old)
  if f[2] ~= 'self' or how == 'self' then
    if audit == '1' then
      audited(KEYS[7], 'actor', by, 'action', 'checkin.repeat', 'subject', alert,
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
redis.call('HSET', KEYS[5], member, at .. SEP .. how .. SEP .. by)
if audit == '1' then
  audited(KEYS[7], 'actor', by, 'action', 'checkin.record', 'subject', alert,
          'detail', 'member=' .. member .. ' how=' .. how)
end
turnout_flush()
turnout_changed(base)
return { 'checked_in', at, how, by, answer }
