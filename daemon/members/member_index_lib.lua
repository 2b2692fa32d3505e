-- Included by the roster's scripts (member_upsert.lua, member_remove.lua). Set changes are
-- collected per key and applied at the end of the batch, one SREM or SADD per key with every
-- id it concerns: a batch of 1,000 members then costs a few dozen set commands instead of
-- ten thousand, which is what bounds an import (each command also goes to the AOF).
-- Removals go first, so a member whose record changed but who stays in a region ends up in
-- it.
--
-- What a member is indexed under now (the fields of {roster}:member:<id>:idx), and the sets
-- those values name, come from the caller, who read them (member_store_scripts.h): a
-- script builds no key name. Per member, from KEYS[k + 1] and ARGV[a + 1]:
--   KEYS  the region's, sector's, local's and phone's sets, then one set per stored tag
--   ARGV  region, sector, local, tags (joined by \031), mobile, number of tag keys
-- indexed_as() checks them before any write: another writer may have moved the member
-- since they were read, and the caller then reads again.
local INDEXED_ARGS = 6
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
-- How many KEYS the values at ARGV[a + 1] come with.
local function indexed_keys(a)
  return 4 + tonumber(ARGV[a + 6])
end
local function indexed_as(idx_key, a)
  local now = redis.call('HMGET', idx_key, 'region', 'sector', 'local', 'tags', 'mobile')
  for j = 1, 5 do
    if (now[j] or '') ~= ARGV[a + j] then return false end
  end
  return true
end
-- Drops a member from the sets its stored values put it in.
local function unindex(id, k, a)
  for j = 1, 3 do
    if ARGV[a + j] ~= '' then collect(removals, KEYS[k + j], id) end
  end
  if ARGV[a + 5] ~= '' then redis.call('SREM', KEYS[k + 4], id) end
  for t = 1, tonumber(ARGV[a + 6]) do collect(removals, KEYS[k + 4 + t], id) end
end
