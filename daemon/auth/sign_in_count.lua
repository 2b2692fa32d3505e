#!lua
-- Counts one more sign-in event (a code asked, a code tried) in a fixed window from the
-- first one: the limits of auth/sign_in_limits.h.
-- KEYS[1] the counter (auth_keys.h sign_in_count)
-- ARGV[1] the window, seconds
-- Returns the count in the window so far.
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n
