#!lua
-- Changes the opt-out registry, in one step in the roster's slot: an address in or out of
-- {roster}:optout:<channel>, and with it its members in {roster}:optout:<channel>:members
-- (for an SMS number, every member holding it: {roster}:phone:<number>, read here). Used
-- for a member's STOP and START by SMS (replies/sms_opt_outs.h) and for the addresses a
-- gateway refused as opted out while sending, which the send's recorder writes before
-- those members' states (dispatch/recorder.h). Only set operations, applied in order:
-- running the same changes again ends the same.
-- KEYS[1] {roster}:optout:sms, KEYS[2] {roster}:optout:email, KEYS[3] {roster}:optout:sms:members,
-- KEYS[4] {roster}:optout:email:members, then one {roster}:phone:<E.164> per SMS change
-- ARGV per change four: "add" | "remove", channel ("sms" | "email"), address, member id
-- (for email; an SMS change takes its phone's holders, its key next in KEYS' order)
-- Returns the number of changes applied.
local phone_at, n = 5, 0
for i = 1, #ARGV, 4 do
  local op = ARGV[i] == 'add' and 'SADD' or 'SREM'
  local channel, address, member = ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  if channel == 'sms' then
    redis.call(op, KEYS[1], address)
    local holders = redis.call('SMEMBERS', KEYS[phone_at])
    phone_at = phone_at + 1
    if #holders > 0 then redis.call(op, KEYS[3], unpack(holders)) end
  else
    redis.call(op, KEYS[2], address)
    if member ~= '' then redis.call(op, KEYS[4], member) end
  end
  n = n + 1
end
return n
