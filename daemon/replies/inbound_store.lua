#!lua
-- Appends a reply as it arrives to the replies stream, unless the provider repeated a
-- webhook already stored (its message id seen in the last week from the same gateway).
-- KEYS[1] the replies stream (reply_keys.h kInboundQueue), KEYS[2] the provider message
-- id's "seen" key, absent when the provider gave no id
-- ARGV[1] the seen key's time to live (seconds), ARGV[2..] the entry's field/value pairs
-- Returns 'added' or 'repeated'.
if KEYS[2] then
  if not redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[1]) then return 'repeated' end
end
redis.call('XADD', KEYS[1], '*', unpack(ARGV, 2))
return 'added'
