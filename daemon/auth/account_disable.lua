#!lua
-- Disables an account: ends its sessions and replaces its record, with the audit entry. The
-- record is replaced only if the account still exists (the caller read it).
-- KEYS[1] the account, KEYS[2] the account's sessions, KEYS[3] the audit stream
-- ARGV[1] the disabled AccountRecord, ARGV[2] actor, ARGV[3] account id
-- Returns 'ok' or 'not_found'.
if redis.call('EXISTS', KEYS[1]) == 0 then return 'not_found' end
for _, session in ipairs(redis.call('SMEMBERS', KEYS[2])) do redis.call('DEL', session) end
local ended = redis.call('SCARD', KEYS[2])
redis.call('DEL', KEYS[2])
redis.call('SET', KEYS[1], ARGV[1])
redis.call('XADD', KEYS[3], '*', 'actor', ARGV[2], 'action', 'account.disable',
           'subject', ARGV[3], 'detail', 'sessions_ended=' .. ended)
return 'ok'
