#!lua
-- Ends every session of an account ("sign out everywhere"), with its audit entry. The
-- sessions come in as keys, read by the caller from the account's set: when the set holds
-- one it did not name (a sign-in meanwhile), nothing changes and the caller reads again.
-- KEYS[1] the account's sessions, KEYS[2] the auth audit stream, KEYS[3..] the sessions the
-- caller read from KEYS[1]
-- ARGV[1] actor, ARGV[2] account id
-- Returns the number of sessions ended, or -1 when the set holds a session not named.
--!include auth/declared_sessions_lib.lua
if not all_sessions_declared(KEYS[1], 3) then return -1 end
local ended = 0
for i = 3, #KEYS do ended = ended + redis.call('DEL', KEYS[i]) end
redis.call('DEL', KEYS[1])
redis.call('XADD', KEYS[2], '*', 'actor', ARGV[1], 'action', 'session.sign_out_everywhere',
           'subject', ARGV[2], 'detail', 'sessions_ended=' .. ended)
return ended
