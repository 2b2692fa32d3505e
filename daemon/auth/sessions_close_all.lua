#!lua
-- Ends every session of an account ("sign out everywhere"), with its audit entry.
-- KEYS[1] the account's sessions, KEYS[2] the audit stream
-- ARGV[1] actor, ARGV[2] account id
-- Returns the number of sessions ended.
local sessions = redis.call('SMEMBERS', KEYS[1])
local ended = 0
for _, session in ipairs(sessions) do ended = ended + redis.call('DEL', session) end
redis.call('DEL', KEYS[1])
redis.call('XADD', KEYS[2], '*', 'actor', ARGV[1], 'action', 'session.sign_out_everywhere',
           'subject', ARGV[2], 'detail', 'sessions_ended=' .. ended)
return ended
