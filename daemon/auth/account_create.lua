#!lua
-- Creates a dashboard account with its address claims and its audit entry. Refuses, before
-- writing anything, when an address belongs to another account.
-- KEYS[1] the account, KEYS[2] the accounts index, KEYS[3] the mobile's claim or '',
-- KEYS[4] the email's claim or '', KEYS[5] the audit stream
-- ARGV[1] id, ARGV[2] the AccountRecord, ARGV[3] actor, ARGV[4] name, ARGV[5] role
-- Returns 'ok', or the field already taken: 'mobile', 'email' or 'id'.
if KEYS[3] ~= '' and redis.call('EXISTS', KEYS[3]) == 1 then return 'mobile' end
if KEYS[4] ~= '' and redis.call('EXISTS', KEYS[4]) == 1 then return 'email' end
if redis.call('SET', KEYS[1], ARGV[2], 'NX') == false then return 'id' end
redis.call('SADD', KEYS[2], ARGV[1])
if KEYS[3] ~= '' then redis.call('SET', KEYS[3], ARGV[1]) end
if KEYS[4] ~= '' then redis.call('SET', KEYS[4], ARGV[1]) end
redis.call('XADD', KEYS[5], '*', 'actor', ARGV[3], 'action', 'account.create',
           'subject', ARGV[1], 'detail', 'name=' .. ARGV[4] .. ' role=' .. ARGV[5])
return 'ok'
