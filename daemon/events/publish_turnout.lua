#!lua
-- Turns an alert's raw counts into the next entry of its event stream, atomically, so that
-- several daemons sharing Redis never write one change twice and never write entries
-- closer together than the minimum interval (events/publish_script.h).
-- KEYS[1] turnout_version, KEYS[2] tally, KEYS[3] reach, KEYS[4] published, KEYS[5] events,
-- KEYS[6] day (all of one alert: events/event_keys.h)
-- ARGV[1] minimum interval between entries (ms), ARGV[2] the stream's MAXLEN (approximate),
-- ARGV[3] fields per entry
-- Returns {status, version, detail, compared}: status 0 nothing new (detail ''), 1 too soon
-- (detail: ms left to wait), 2 written (detail: the id of the last entry written);
-- compared: the fields read to compare.
local version = redis.call('GET', KEYS[1]) or '0'
local meta = redis.call('HMGET', KEYS[4], '#version', '#at_ms')
if meta[1] == version then return { 0, version, '', 0 } end

local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local wait = (tonumber(meta[2]) or 0) + tonumber(ARGV[1]) - now
if wait > 0 then return { 1, version, tostring(wait), 0 } end

-- The raw counts now: tally, reach and the event day's (their measures are disjoint); "0"
-- counts as absent.
local current = {}
local compared = 0
for _, k in ipairs({ 2, 3, 6 }) do
  local flat = redis.call('HGETALL', KEYS[k])
  compared = compared + #flat / 2
  for i = 1, #flat, 2 do
    if flat[i + 1] ~= '0' then current[flat[i]] = flat[i + 1] end
  end
end

-- What changed since the last entry: values that differ, fields gone (written as 0), and
-- new fields. Bookkeeping fields start with '#'.
local changed, gone = {}, {}
local flat = redis.call('HGETALL', KEYS[4])
compared = compared + #flat / 2
for i = 1, #flat, 2 do
  local field = flat[i]
  if string.byte(field, 1) ~= 35 then
    local value = current[field]
    if value == nil then
      changed[#changed + 1] = field
      changed[#changed + 1] = '0'
      gone[#gone + 1] = field
    elseif value ~= flat[i + 1] then
      changed[#changed + 1] = field
      changed[#changed + 1] = value
    end
    current[field] = nil
  end
end
for field, value in pairs(current) do
  changed[#changed + 1] = field
  changed[#changed + 1] = value
end

if #changed == 0 then
  redis.call('HSET', KEYS[4], '#version', version)
  return { 0, version, '', compared }
end

local per_entry = tonumber(ARGV[3]) * 2
local id = ''
for first = 1, #changed, per_entry do
  local last = math.min(first + per_entry - 1, #changed)
  id = redis.call('XADD', KEYS[5], 'MAXLEN', '~', ARGV[2], '*', unpack(changed, first, last))
  local values = {}
  for i = first, last, 2 do
    if changed[i + 1] ~= '0' then
      values[#values + 1] = changed[i]
      values[#values + 1] = changed[i + 1]
    end
  end
  if #values > 0 then redis.call('HSET', KEYS[4], unpack(values)) end
end
for first = 1, #gone, per_entry / 2 do
  redis.call('HDEL', KEYS[4], unpack(gone, first, math.min(first + per_entry / 2 - 1, #gone)))
end
redis.call('HSET', KEYS[4], '#version', version, '#at_ms', tostring(now))
return { 2, version, id, compared }
