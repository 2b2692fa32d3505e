#!lua
-- Opens a dashboard session, with its audit entry. Also forgets the account's sessions that
-- expired by themselves, among those the caller read from the account's set and declared,
-- so the set stays as small as the sessions alive.
-- KEYS[1] the session, KEYS[2] the account's sessions, KEYS[3] the auth audit stream,
-- KEYS[4..] sessions of the account's set, as the caller read it
-- ARGV[1] account id, ARGV[2] absolute expiry (Unix ms), ARGV[3] idle limit (ms),
-- ARGV[4] actor, ARGV[5] audit detail
-- Returns 1.
for i = 4, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 0 then redis.call('SREM', KEYS[2], KEYS[i]) end
end
redis.call('HSET', KEYS[1], 'account', ARGV[1], 'expires_at_ms', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('SADD', KEYS[2], KEYS[1])
redis.call('XADD', KEYS[3], '*', 'actor', ARGV[4], 'action', 'session.sign_in',
           'subject', ARGV[1], 'detail', ARGV[5])
return 1
