#!lua
-- Appends a source stream's entries, read by the caller, to a destination stream, exactly
-- once and in order (redis/stream_relay.h): the source's cursor (the id of its last entry
-- relayed) moves in the same step, and only from the value the caller read, so two
-- daemons relaying the same source at once cannot both append.
-- KEYS[1] the destination stream, KEYS[2] the cursors (HASH source -> last id relayed),
-- in the destination's hash slot
-- ARGV[1] the source's name, ARGV[2] its cursor as read ('' for none), ARGV[3] the id of
-- the last entry given, then per entry: its number of fields and values, and those
-- Returns 1, or 0 (nothing appended) when the cursor is no longer as read.
local cursor = redis.call('HGET', KEYS[2], ARGV[1]) or ''
if cursor ~= ARGV[2] then return 0 end
local i = 4
while i <= #ARGV do
  local count = tonumber(ARGV[i])
  redis.call('XADD', KEYS[1], '*', unpack(ARGV, i + 1, i + count))
  i = i + count + 1
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
return 1
