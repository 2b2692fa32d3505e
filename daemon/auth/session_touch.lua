#!lua
-- Renews a session's idle TTL, never past its absolute expiry.
-- KEYS[1] the session
-- ARGV[1] idle limit (ms), ARGV[2] now (Unix ms)
-- Returns 1 when renewed, 0 when the session is gone (or ended now, past its expiry).
local expires = redis.call('HGET', KEYS[1], 'expires_at_ms')
if not expires then return 0 end
local left = tonumber(expires) - tonumber(ARGV[2])
if left <= 0 then redis.call('DEL', KEYS[1]) return 0 end
redis.call('PEXPIRE', KEYS[1], math.min(tonumber(ARGV[1]), left))
return 1
