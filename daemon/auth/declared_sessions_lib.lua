-- Whether every member of the account's sessions set `set` is among KEYS[first..]: the
-- session keys the caller read and declared. A script may touch only declared keys. A
-- member without the `{auth}` tag (an older tocsind's, not yet moved under it) is in
-- another slot and cannot be ended here; it opens nothing for a disabled account, whose
-- state every request checks.
local function all_sessions_declared(set, first)
  local declared = {}
  for i = first, #KEYS do declared[KEYS[i]] = true end
  for _, session in ipairs(redis.call('SMEMBERS', set)) do
    if not declared[session] and string.sub(session, 1, 7) == '{auth}:' then return false end
  end
  return true
end
