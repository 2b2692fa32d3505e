-- Included by the roster's scripts (member_upsert.lua, member_remove.lua). Set changes are
-- collected per key and applied at the end of the batch, one SREM or SADD per key with every
-- id it concerns: a batch of 1,000 members then costs a few dozen set commands instead of
-- ten thousand, which is what bounds an import (each command also goes to the AOF).
-- Removals go first, so a member whose record changed but who stays in a region ends up in
-- it.
--
-- unindex(id, idx_key) drops a member from the sets its previous values put it in. Those
-- values live in member:{id}:idx, so a move between regions never needs the old record to
-- be parsed (Lua cannot read protobuf). The keys of those sets (aud:{dimension}:{value},
-- phone:{mobile}) are named by what the hash holds, so they are built here, from the data
-- read (members/member_keys.h spells them for the C++).
local removals, additions = {}, {}
local function collect(changes, key, id)
  local ids = changes[key]
  if ids then ids[#ids + 1] = id else changes[key] = { id } end
end
local function apply(command, changes)
  for key, ids in pairs(changes) do
    -- unpack() is bounded by Lua's stack: send large groups in slices.
    for first = 1, #ids, 4000 do
      redis.call(command, key, unpack(ids, first, math.min(first + 3999, #ids)))
    end
  end
end
local function unindex(id, idx_key)
  local prev = redis.call('HMGET', idx_key, 'region', 'sector', 'local', 'tags', 'mobile')
  if prev[1] and prev[1] ~= '' then collect(removals, 'aud:region:' .. prev[1], id) end
  if prev[2] and prev[2] ~= '' then collect(removals, 'aud:sector:' .. prev[2], id) end
  if prev[3] and prev[3] ~= '' then collect(removals, 'aud:local:' .. prev[3], id) end
  if prev[4] and prev[4] ~= '' then
    for tag in string.gmatch(prev[4], '[^\031]+') do collect(removals, 'aud:tag:' .. tag, id) end
  end
  if prev[5] and prev[5] ~= '' then redis.call('SREM', 'phone:' .. prev[5], id) end
end
