#!lua
-- Removes a batch of members (those a full import's file no longer names) and their index
-- entries, in one atomic step. Never the opt-out registry: an address that opted out stays
-- out, whoever holds it next.
-- KEYS[1] members:all, KEYS[2] members:sms, KEYS[3] members:email, KEYS[4]
-- optout:sms:members, KEYS[5] optout:email:members, then per member, in ARGV's order:
-- member:{id}, member:{id}:idx
-- ARGV the member ids
-- Returns how many of them existed.
-- The index keys of their values are built from member:{id}:idx (member_index_lib.lua).
--!include members/member_index_lib.lua
local removed = 0
for i, id in ipairs(ARGV) do
  local key, idx_key = KEYS[4 + i * 2], KEYS[5 + i * 2]
  if redis.call('EXISTS', key) == 1 then removed = removed + 1 end
  unindex(id, idx_key)
  redis.call('DEL', key, idx_key)
  for set = 1, 5 do collect(removals, KEYS[set], id) end
end
apply('SREM', removals)
return removed
