#!lua
-- Writes each target or quorum of an alert newly reached, once, on its event stream
-- (events/milestones.h): a target counts the members answering yes, a quorum those
-- checked in at the door; a region goal reads its region's field, a sector or local goal
-- sums its fields over the alert's regions.
-- KEYS[1] milestones, KEYS[2] events, KEYS[3] tally, KEYS[4] day, KEYS[5] regions (all of
-- one alert: events/event_keys.h)
-- ARGV[1] the stream's MAXLEN (approximate), then per goal five: kind ('target' |
-- 'quorum'), dimension, key (folded, as the count fields name it), goal, value (as the
-- alert names it)
-- Returns the number of milestones written.
local maxlen = ARGV[1]
local regions = nil
local written = 0
for i = 2, #ARGV - 4, 5 do
  local kind, dimension, key, goal, value = ARGV[i], ARGV[i + 1], ARGV[i + 2],
                                           tonumber(ARGV[i + 3]), ARGV[i + 4]
  local name = kind .. '|' .. dimension .. '|' .. key
  if goal > 0 and redis.call('HEXISTS', KEYS[1], name) == 0 then
    local hash, measure = KEYS[3], 'yes'
    if kind == 'quorum' then hash, measure = KEYS[4], 'present' end
    local count = 0
    if dimension == 'region' then
      count = tonumber(redis.call('HGET', hash, key .. '|all|' .. measure)) or 0
    else
      regions = regions or redis.call('SMEMBERS', KEYS[5])
      for _, region in ipairs(regions) do
        count = count + (tonumber(redis.call('HGET', hash, region .. '|' .. dimension .. ':' ..
                                             key .. '|' .. measure)) or 0)
      end
    end
    if count >= goal then
      local t = redis.call('TIME')
      local at = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
      redis.call('HSET', KEYS[1], name, at)
      local json = cjson.encode({ kind = kind, dimension = dimension, value = value,
                                  goal = goal, count = count, at_ms = at })
      redis.call('XADD', KEYS[2], 'MAXLEN', '~', maxlen, '*', '#milestone', json,
                 '#region', dimension == 'region' and key or '')
      written = written + 1
    end
  end
end
return written
