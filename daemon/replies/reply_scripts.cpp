#include "replies/reply_scripts.h"

#include "redis/script.h"

namespace tocsin::replies {

const redis::Script& match_replies_script() {
  static const redis::Script script(R"lua(
-- The open alerts among the 200 most recently created, most recently sent first. Read at
-- each batch, so a reply to an alert sent a moment ago finds it.
local open, open_by_id = {}, {}
for _, id in ipairs(redis.call('ZREVRANGE', 'alerts', 0, 199)) do
  local f = redis.call('HMGET', 'alert:{' .. id .. '}', 'state', 'sending_at_ms')
  if f[1] == 'sending' or f[1] == 'sent' then
    open[#open + 1] = { id = id, at = tonumber(f[2]) or 0 }
    open_by_id[id] = true
  end
end
table.sort(open, function(a, b) return a.at > b.at end)

local out = {}
for b = 1, #ARGV - 1, 2 do
  local number, code = ARGV[b], ARGV[b + 1]
  local candidates = open
  if code ~= '' then
    local id = redis.call('GET', 'alert:code:' .. code)
    candidates = (id and open_by_id[id]) and { { id = id } } or {}
  end
  local alert, member = '', ''
  for _, candidate in ipairs(candidates) do
    local m = redis.call('HGET', 'alert:{' .. candidate.id .. '}:to', number)
    if m then
      alert, member = candidate.id, m
      break
    end
  end
  if member ~= '' then
    local idx = redis.call('HMGET', 'member:' .. member .. ':idx', 'region', 'sector', 'local',
                           'language')
    out[#out + 1] = { alert, member, idx[1] or '', idx[2] or '', idx[3] or '', idx[4] or '' }
  else
    out[#out + 1] = { '', '', '', '', '', '' }
  end
end
return out
)lua");
  return script;
}

// The tally arithmetic is rsvp_record.cpp's add_to_tally, which recount() uses to check it.
const redis::Script& record_replies_script() {
  static const redis::Script script(R"lua(
local SEP = '\031'
local function decode(text)
  if not text then return nil end
  local f = {}
  for field in (text .. SEP):gmatch('([^' .. SEP .. ']*)' .. SEP) do f[#f + 1] = field end
  return { answer = f[1], bus = tonumber(f[2]) or 0, car = tonumber(f[3]) or 0,
           party = tonumber(f[4]) or 0, pickup = f[5] or '', region = f[6] or '',
           sector = f[7] or '', ['local'] = f[8] or '' }
end
local function move(tally, record, sign)
  local dimensions = { 'all', 'region:' .. record.region, 'sector:' .. record.sector,
                       'local:' .. record['local'] }
  if record.pickup ~= '' then dimensions[#dimensions + 1] = 'pickup:' .. record.pickup end
  for _, d in ipairs(dimensions) do
    local changes = { [record.answer] = 1 }
    if record.answer == 'yes' then
      changes.coming = record.party > 0 and record.party or 1
      changes.bus = record.bus
      changes.car = record.car
    end
    for measure, amount in pairs(changes) do
      if amount ~= 0 then
        local field = d .. '|' .. measure
        if redis.call('HINCRBY', tally, field, sign * amount) == 0 then
          redis.call('HDEL', tally, field)
        end
      end
    end
  end
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
    redis.call('HDEL', base .. ':unknown', member)
    -- The time is the last field: a repeated answer changes nothing but it.
    local function answer_part(r) return r and string.match(r, '^(.*)' .. SEP .. '[^' .. SEP .. ']*' .. SEP .. '[^' .. SEP .. ']*$') end
    if old and answer_part(old) == answer_part(encoded) then
      out[#out + 1] = 'same'
    else
      if old then move(base .. ':tally', decode(old), -1) end
      move(base .. ':tally', decode(encoded), 1)
      redis.call('HSET', base .. ':rsvp', member, encoded)
      out[#out + 1] = 'recorded'
    end
  elseif kind == 'unknown' then
    redis.call('HSET', base .. ':unknown', member, at .. '|' .. text)
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
