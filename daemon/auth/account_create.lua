#!lua
-- Creates a dashboard account with its address claims and its audit entry. Refuses, before
-- writing anything, when an address belongs to another account.
-- KEYS[1] the account, KEYS[2] the accounts index, KEYS[3] the auth audit stream,
-- KEYS[4..] the claims of its addresses (none, the mobile's, the email's, or both)
-- ARGV[1] id, ARGV[2] the AccountRecord, ARGV[3] actor, ARGV[4] name, ARGV[5] role,
-- ARGV[6..] the field each claim of KEYS[4..] stands for ('mobile' or 'email'), in order
-- Returns 'ok', or the field already taken: 'mobile', 'email' or 'id'.
for i = 4, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 1 then return ARGV[i + 2] end
end
if redis.call('SET', KEYS[1], ARGV[2], 'NX') == false then return 'id' end
redis.call('SADD', KEYS[2], ARGV[1])
for i = 4, #KEYS do redis.call('SET', KEYS[i], ARGV[1]) end
redis.call('XADD', KEYS[3], '*', 'actor', ARGV[3], 'action', 'account.create',
           'subject', ARGV[1], 'detail', 'name=' .. ARGV[4] .. ' role=' .. ARGV[5])
return 'ok'
