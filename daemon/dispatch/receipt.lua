#!lua
-- Applies a delivery receipt (a Twilio status callback, a Kannel DLR) to the member's
-- delivery state. States only move forward: sent -> delivered or failed; a repeat or a late
-- receipt changes nothing. The member's reach (turnout/reach_lib.lua) follows: the better of
-- their two channels' states, so a failed SMS of a member whose email went leaves them
-- "sent".
-- A receipt can overtake the recording of its send (a provider that calls back within
-- milliseconds, while the engine's batch is still on its way to Redis): it is then kept
-- under KEYS[2] for the record script to apply when the send is recorded.
-- KEYS[1] msg:<gateway>:<message id>, KEYS[2] the same with :early
-- ARGV[1] new state ("delivered" | "failed"), ARGV[2] the failure detail ("" for none),
-- ARGV[3] the TTL (s) of an early receipt
-- Returns "changed", "unchanged" or "early".
-- The alert's keys are built from the mapping KEYS[1] holds, "alert|member|channel" (alert
-- ids and channels hold no '|'): they are known only once it is read.
--!include turnout/reach_lib.lua
local state = ARGV[1]
if ARGV[2] ~= '' then state = state .. ':' .. ARGV[2] end
local target = redis.call('GET', KEYS[1])
if not target then
  redis.call('SET', KEYS[2], state, 'EX', ARGV[3])
  return 'early'
end
local first = string.find(target, '|', 1, true)
local last = string.match(target, '^.*()|')
local id = string.sub(target, 1, first - 1)
local member = string.sub(target, first + 1, last - 1)
local channel = string.sub(target, last + 1)
local base = 'alert:{' .. id .. '}'
local field = member .. ':' .. channel
local both = redis.call('HMGET', base .. ':delivery', member .. ':sms', member .. ':email')
local current = (channel == 'sms' and both[1]) or (channel == 'email' and both[2]) or
                redis.call('HGET', base .. ':delivery', field)
if current ~= 'sent' then return 'unchanged' end
redis.call('HSET', base .. ':delivery', field, state)
redis.call('HINCRBY', base .. ':count', 'sent', -1)
redis.call('HINCRBY', base .. ':count', ARGV[1], 1)
local sms, email = both[1] or nil, both[2] or nil
local new_sms = channel == 'sms' and state or sms
local new_email = channel == 'email' and state or email
reach_log(base, member, reach_best(sms, email), reach_best(new_sms, new_email))
if #reach_log_flush() > 0 then
  turnout_flush()
  turnout_changed(base)
end
return 'changed'
