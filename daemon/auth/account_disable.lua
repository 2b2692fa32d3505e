#!lua
-- Disables an account: ends its sessions and replaces its record, with the audit entry. The
-- record is replaced only if the account still exists (the caller read it). The sessions
-- come in as keys, read by the caller from the account's set: when the set holds one it did
-- not name (a sign-in meanwhile), nothing changes and the caller reads again, so that no
-- session of a disabled account survives.
-- KEYS[1] the account, KEYS[2] the account's sessions, KEYS[3] the auth audit stream,
-- KEYS[4..] the sessions the caller read from KEYS[2]
-- ARGV[1] the disabled AccountRecord, ARGV[2] actor, ARGV[3] account id
-- Returns 'ok', 'not_found' or 'sessions_changed'.
--!include auth/declared_sessions_lib.lua
if redis.call('EXISTS', KEYS[1]) == 0 then return 'not_found' end
if not all_sessions_declared(KEYS[2], 4) then return 'sessions_changed' end
local ended = 0
for i = 4, #KEYS do ended = ended + redis.call('DEL', KEYS[i]) end
redis.call('DEL', KEYS[2])
redis.call('SET', KEYS[1], ARGV[1])
redis.call('XADD', KEYS[3], '*', 'actor', ARGV[2], 'action', 'account.disable',
           'subject', ARGV[3], 'detail', 'sessions_ended=' .. ended)
return 'ok'
