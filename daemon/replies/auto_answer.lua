#!lua
-- Whether each number may get another automatic answer: at most a limit per number in a
-- window (a member's phone that answers every SMS must not loop with us). Counts the
-- allowed ones.
-- KEYS[i] per number its counter (reply_keys.h auto_answers)
-- ARGV[1] answers allowed per window, ARGV[2] the window (seconds)
-- Returns per number 1 (allowed, and counted) or 0.
local limit, window = tonumber(ARGV[1]), ARGV[2]
local out = {}
for i = 1, #KEYS do
  local key = KEYS[i]
  local n = redis.call('INCR', key)
  if n == 1 then redis.call('EXPIRE', key, window) end
  out[#out + 1] = n <= limit and 1 or 0
end
return out
