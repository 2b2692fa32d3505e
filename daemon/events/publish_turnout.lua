#!lua
-- Turns an alert's raw counts into the next entry of its event stream, atomically, so that
-- several daemons sharing Redis never write one change twice and never write entries
-- closer together than the minimum interval (events/publish_script.h).
-- Only the fields that moved since the last entry are compared: every script that changes
-- the counts notes the fields it wrote in the count hash's ":moved" set (turnout_flush in
-- turnout/reach_lib.lua), so an entry costs what changed, not the alert's thousands of
-- fields (a full compare held Redis 20 ms on average, 200 ms at worst, several times a
-- second while replies came in). The whole hashes are compared instead on an alert's first
-- entry, and whenever turnout_version moved more than turnout_tracked did: a change made
-- by a script that notes no fields (an older tocsind sharing this Redis).
-- KEYS[1] turnout_version, KEYS[2] tally, KEYS[3] reach, KEYS[4] published, KEYS[5]
-- events, KEYS[6] day, KEYS[7] turnout_tracked, KEYS[8..10] the :moved sets of tally,
-- reach and day (all of one alert: events/event_keys.h)
-- ARGV[1] minimum interval between entries (ms), ARGV[2] the stream's MAXLEN (approximate),
-- ARGV[3] fields per entry, ARGV[4] most moved fields compared per call
-- Returns {status, version, detail, compared}: status 0 nothing new (detail ''), 1 too soon
-- (detail: ms left to wait), 2 written (detail: the id of the last entry written);
-- version: the turnout_version now published (the one published before, while moved fields
-- are left for the next call); compared: the fields read to compare.
local version = redis.call('GET', KEYS[1]) or '0'
local meta = redis.call('HMGET', KEYS[4], '#version', '#at_ms', '#untracked')
if meta[1] == version then return { 0, version, '', 0 } end

local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local wait = (tonumber(meta[2]) or 0) + tonumber(ARGV[1]) - now
if wait > 0 then return { 1, version, tostring(wait), 0 } end

local counts = { KEYS[2], KEYS[3], KEYS[6] }
local moved = { KEYS[8], KEYS[9], KEYS[10] }
-- Changes not noted in the :moved sets, when this differs from what the last entry saw.
local untracked = tostring(tonumber(version) - (tonumber(redis.call('GET', KEYS[7])) or 0))

-- What changed since the last entry: values that differ, fields gone (written as 0), and
-- new fields. "0" counts as absent; bookkeeping fields start with '#'.
local changed, gone = {}, {}
local compared = 0

-- At most ARGV[4] of them per call (taken out of the sets), so that no call holds Redis
-- long, whatever moved meanwhile: the rest goes in the next entries. SRANDMEMBER then one
-- SREM rather than SPOP with a count, which Redis 7.0 writes to the AOF (and replicas) as
-- one SREM per field: a hundred bytes for each field of each entry.
local function compare_moved()
  local budget = tonumber(ARGV[4])
  for j = 1, 3 do
    local fields = budget > 0 and redis.call('SRANDMEMBER', moved[j], budget) or {}
    for first = 1, #fields, 1000 do
      redis.call('SREM', moved[j], unpack(fields, first, math.min(first + 999, #fields)))
    end
    budget = budget - #fields
    -- In slices: unpack() is bounded by Lua's stack.
    for first = 1, #fields, 1000 do
      local last = math.min(first + 999, #fields)
      local now_values = redis.call('HMGET', counts[j], unpack(fields, first, last))
      local old_values = redis.call('HMGET', KEYS[4], unpack(fields, first, last))
      for i = first, last do
        local field = fields[i]
        local value, old = now_values[i - first + 1], old_values[i - first + 1]
        if value == '0' then value = false end
        if value and value ~= old then
          changed[#changed + 1] = field
          changed[#changed + 1] = value
        elseif not value and old then
          changed[#changed + 1] = field
          changed[#changed + 1] = '0'
          gone[#gone + 1] = field
        end
      end
      compared = compared + (last - first + 1)
    end
  end
  return redis.call('EXISTS', unpack(moved)) == 0
end

local function compare_all()
  local current = {}
  for _, key in ipairs(counts) do
    local flat = redis.call('HGETALL', key)
    compared = compared + #flat / 2
    for i = 1, #flat, 2 do
      if flat[i + 1] ~= '0' then current[flat[i]] = flat[i + 1] end
    end
  end
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
end

local complete
if meta[3] == untracked then
  complete = compare_moved()
else
  compare_all()
  redis.call('DEL', unpack(moved))
  complete = true
end
-- Fields left to compare: the version stays unpublished, and the entry's time is not noted,
-- so the caller's next run goes on with them at once.
local published_version = complete and version or meta[1]

if #changed == 0 then
  if complete then redis.call('HSET', KEYS[4], '#version', version, '#untracked', untracked) end
  return { 0, published_version, '', compared }
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
if complete then
  redis.call('HSET', KEYS[4], '#version', version, '#at_ms', tostring(now), '#untracked',
             untracked)
end
return { 2, published_version, id, compared }
