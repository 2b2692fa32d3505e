#!lua flags=no-writes
-- Reads what sending needs of a batch of members, in one step in the roster's slot: each
-- one's record, addresses and place (the fields the turnout counts by), and whether each
-- address is in the opt-out registry. Writes nothing. The send's prepare step
-- (dispatch/prepare.lua) takes these as values, so that it stays in the alert's slot.
-- KEYS[1] {roster}:optout:sms, KEYS[2] {roster}:optout:email, then per member
-- {roster}:member:<id>, {roster}:member:<id>:idx
-- ARGV none
-- Returns per member, in KEYS' order: { record ("" when not stored), mobile, email, region,
-- sector, local, job title ("" for none), mobile opted out (0 | 1), email opted out }.
local out = {}
for k = 3, #KEYS, 2 do
  local record = redis.call('GET', KEYS[k])
  local idx = redis.call('HMGET', KEYS[k + 1], 'mobile', 'email', 'region', 'sector', 'local',
                         'title')
  local mobile, email = idx[1] or '', idx[2] or ''
  local sms_out, email_out = 0, 0
  if mobile ~= '' then sms_out = redis.call('SISMEMBER', KEYS[1], mobile) end
  if email ~= '' then email_out = redis.call('SISMEMBER', KEYS[2], email) end
  out[#out + 1] = { record or '', mobile, email, idx[3] or '', idx[4] or '', idx[5] or '',
                    idx[6] or '', sms_out, email_out }
end
return out
