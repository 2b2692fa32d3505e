#!lua
-- Finds the send a delivery receipt (a Twilio status callback, a Kannel DLR) belongs to. A
-- receipt can overtake the recording of its send (a provider that calls back within
-- milliseconds, while the engine's batch is still on its way to Redis): it is then kept
-- under KEYS[2], in the same step as the look-up, for the record script to apply when it
-- writes the mapping. Both keys share the message's hash tag.
-- KEYS[1] msg:{<gateway>:<message id>}, KEYS[2] the same with :early
-- ARGV[1] the state to keep ("delivered", or "failed:<detail>"), ARGV[2] its TTL (s)
-- Returns the mapping "alert|member|channel", or nil when kept as early.
local target = redis.call('GET', KEYS[1])
if target then return target end
redis.call('SET', KEYS[2], ARGV[1], 'EX', ARGV[2])
return false
