#!lua
-- Applies a delivery receipt to the member's delivery state, once receipt_find.lua found
-- whose it is. States only move forward: sent -> delivered or failed; a repeat or a late
-- receipt changes nothing. The member's reach (turnout/reach_lib.lua) follows: the better of
-- their two channels' states, so a failed SMS of a member whose email went leaves them
-- "sent".
-- KEYS[1] alert:{id} (the fragments' base), KEYS[2] its :delivery, KEYS[3] its :count
-- ARGV[1] member, ARGV[2] channel ('sms' | 'email'), ARGV[3] the count it moves to
-- ('delivered' | 'failed'), ARGV[4] the state stored ("delivered", or "failed:<detail>")
-- Returns "changed" or "unchanged".
--!include turnout/reach_lib.lua
local base, delivery, count = KEYS[1], KEYS[2], KEYS[3]
local member, channel, measure, state = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local both = redis.call('HMGET', delivery, member .. ':sms', member .. ':email')
local current = (channel == 'sms' and both[1]) or (channel == 'email' and both[2]) or
                redis.call('HGET', delivery, member .. ':' .. channel)
if current ~= 'sent' then return 'unchanged' end
redis.call('HSET', delivery, member .. ':' .. channel, state)
redis.call('HINCRBY', count, 'sent', -1)
redis.call('HINCRBY', count, measure, 1)
local sms, email = both[1] or nil, both[2] or nil
local new_sms = channel == 'sms' and state or sms
local new_email = channel == 'email' and state or email
reach_log(base, member, reach_best(sms, email), reach_best(new_sms, new_email))
if #reach_log_flush() > 0 then
  turnout_flush()
  turnout_changed(base)
end
return 'changed'
