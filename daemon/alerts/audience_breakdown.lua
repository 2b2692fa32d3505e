#!lua
-- Counts one batch of an alert's audience for the preview (alerts/audience_breakdown.h):
-- per channel and message language, the members the sender will send to, after opt-outs
-- and shared addresses. The addresses counted so far are kept in two temporary SETs across
-- batches: SADD answers 1 only for the first member with this address, in this batch or an
-- earlier one, so the one message a shared address gets is counted once. The members'
-- index hashes do not share a hash slot: this is for one Redis (with replicas).
-- KEYS[1] optout:sms, KEYS[2] optout:email, KEYS[3] the SMS addresses counted so far,
-- KEYS[4] the email addresses counted so far, then member:{id}:idx of each member of the
-- batch
-- ARGV[1] count SMS ('1' | '0'), ARGV[2] count email ('1' | '0'), ARGV[3] the alert's
-- message languages as ",en,fr,"
-- Returns { {language, count, ...} for SMS, {language, count, ...} for email }; the
-- counted-addresses sets expire in 5 minutes, in case the caller dies before deleting them.
local sms_out, email_out, sms_seen, email_seen = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local count_sms, count_email, languages = ARGV[1] == '1', ARGV[2] == '1', ARGV[3]
local sms, email = {}, {}

local function message_language(stored)
  if stored and stored ~= '' and string.find(languages, ',' .. stored .. ',', 1, true) then
    return stored
  end
  return 'fr'
end

local function reaches(address, optout, seen)
  return address and address ~= '' and redis.call('SISMEMBER', optout, address) == 0 and
         redis.call('SADD', seen, address) == 1
end

local function tally(counts, language)
  counts[language] = (counts[language] or 0) + 1
end

for i = 5, #KEYS do
  local idx = redis.call('HMGET', KEYS[i], 'mobile', 'email', 'language')
  local language = message_language(idx[3])
  if count_sms and reaches(idx[1], sms_out, sms_seen) then tally(sms, language) end
  if count_email and reaches(idx[2], email_out, email_seen) then tally(email, language) end
end
redis.call('EXPIRE', sms_seen, 300)
redis.call('EXPIRE', email_seen, 300)

local function flat(counts)
  local out = {}
  for language, n in pairs(counts) do
    out[#out + 1] = language
    out[#out + 1] = n
  end
  return out
end
return { flat(sms), flat(email) }
