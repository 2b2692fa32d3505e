#!lua
-- Removes a batch of members (those a full import's file no longer names) and their index
-- entries, in one atomic step. Never the opt-out registry: an address that opted out stays
-- out, whoever holds it next.
-- KEYS[1] {roster}:members:all, KEYS[2] members:sms, KEYS[3] members:email, KEYS[4]
-- optout:sms:members, KEYS[5] optout:email:members, then per member, in ARGV's order:
-- {roster}:member:<id>, its :idx, then the sets it is indexed in (member_index_lib.lua)
-- ARGV[1] number of members, then per member its id and what it is indexed under
-- (member_index_lib.lua)
-- Returns how many of them existed, or -1 (nothing changed) when a member's index no
-- longer holds what the caller read.
--!include members/member_index_lib.lua
local n = tonumber(ARGV[1])
local function each(visit)
  local k, a = 5, 1
  for _ = 1, n do
    local id = ARGV[a + 1]
    if visit(id, k, a + 1) == false then return false end
    k = k + 2 + indexed_keys(a + 1)
    a = a + 1 + INDEXED_ARGS
  end
  return true
end
if not each(function(_, k, a) return indexed_as(KEYS[k + 2], a) end) then return -1 end
local removed = 0
each(function(id, k, a)
  local key, idx_key = KEYS[k + 1], KEYS[k + 2]
  if redis.call('EXISTS', key) == 1 then removed = removed + 1 end
  unindex(id, k + 2, a)
  redis.call('DEL', key, idx_key)
  for set = 1, 5 do collect(removals, KEYS[set], id) end
end)
apply('SREM', removals)
return removed
