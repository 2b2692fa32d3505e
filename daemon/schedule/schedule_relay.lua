#!lua
-- Applies the scheduler items an alert's steps wrote to the alert's own outbox
-- (alert:{id}:schedule_out, under its hash tag) to the scheduler's ZSETs, exactly once and
-- in order (redis/stream_relay.h): the outbox's cursor moves in the same step, and only from
-- the value the caller read. A send started or scheduled thus reaches the scheduler though
-- its keys are in another slot than the alert's.
-- KEYS[1] {schedule}, KEYS[2] {schedule}:relayed (HASH outbox -> the id of its last entry
-- applied), KEYS[3] {schedule}:running
-- ARGV[1] the outbox's key, ARGV[2] its cursor as read ('' for none), ARGV[3] the id of the
-- last entry given, then per entry: its number of fields and values, and those: "op"
-- ("add": due at "due" (ms); "add_unless_running": the same, unless the item is running
-- now; "remove"), "item" ("kind|subject"), "due"
-- Returns 1, or 0 (nothing applied) when the cursor is no longer as read.
local cursor = redis.call('HGET', KEYS[2], ARGV[1]) or ''
if cursor ~= ARGV[2] then return 0 end
local i = 4
while i <= #ARGV do
  local count = tonumber(ARGV[i])
  local f = {}
  for j = i + 1, i + count - 1, 2 do f[ARGV[j]] = ARGV[j + 1] end
  if f.op == 'add' then
    redis.call('ZADD', KEYS[1], f.due, f.item)
  elseif f.op == 'add_unless_running' then
    if not redis.call('ZSCORE', KEYS[3], f.item) then redis.call('ZADD', KEYS[1], f.due, f.item) end
  elseif f.op == 'remove' then
    redis.call('ZREM', KEYS[1], f.item)
  end
  i = i + count + 1
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
return 1
