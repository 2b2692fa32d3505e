#!lua
-- Adds the addresses a gateway refused as opted out (an SMS provider's unsubscribed
-- recipient) to the opt-out registry, in the roster's slot. The send's recorder calls it
-- before it writes those members' `opted_out` states (dispatch/recorder.h): the registry is
-- what keeps the next alert from them, so it is written first. Only SADDs: running it again
-- changes nothing.
-- KEYS[1] {roster}:optout:sms, KEYS[2] {roster}:optout:email, KEYS[3] {roster}:optout:sms:members,
-- KEYS[4] {roster}:optout:email:members, then one {roster}:phone:<E.164> per SMS opt-out
-- ARGV per opt-out three: channel ("sms" | "email"), address, member id. The SMS ones take
-- their phone's key in KEYS' order: every member holding the phone is opted out with it.
-- Returns the number of opt-outs read.
local phone_at, n = 5, 0
for i = 1, #ARGV, 3 do
  local channel, address, member = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  if channel == 'sms' then
    redis.call('SADD', KEYS[1], address)
    local holders = redis.call('SMEMBERS', KEYS[phone_at])
    phone_at = phone_at + 1
    if #holders > 0 then redis.call('SADD', KEYS[3], unpack(holders)) end
  else
    redis.call('SADD', KEYS[2], address)
    redis.call('SADD', KEYS[4], member)
  end
  n = n + 1
end
return n
