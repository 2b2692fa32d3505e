#!lua
-- Counts one attempt on an account's sign-in code. Counted here, before the caller
-- compares, and the code deleted at the last allowed attempt: concurrent guesses get no
-- more comparisons than that. An expired code is reported uncounted (attempt 0) and left
-- for its Redis TTL. Not HINCRBY alone, which would create a code.
-- KEYS[1] the code (auth_keys.h sign_in_code)
-- ARGV[1] attempts allowed per code, ARGV[2] now (Unix ms)
-- Returns nil when there is no code, else {attempt, hash, salt, expires_at_ms}.
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local code = redis.call('HMGET', KEYS[1], 'hash', 'salt', 'expires_at_ms')
local expires = code[3] or '0'
if (tonumber(expires) or 0) <= tonumber(ARGV[2]) then return {0, '', '', expires} end
local n = redis.call('HINCRBY', KEYS[1], 'attempts', 1)
if n >= tonumber(ARGV[1]) then redis.call('DEL', KEYS[1]) end
return {n, code[1] or '', code[2] or '', expires}
