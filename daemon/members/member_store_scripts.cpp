#include "members/member_store_scripts.h"

#include "redis/script.h"

namespace tocsin::members {
namespace {

// Shared by both scripts. Set changes are collected per key and applied at the end of the
// batch, one SREM or SADD per key with every id it concerns: a batch of 1,000 members then
// costs a few dozen set commands instead of ten thousand, which is what bounds an import
// (each command also goes to the AOF). Removals go first, so a member whose record changed
// but who stays in a region ends up in it.
//
// unindex() drops a member from the sets its previous values put it in. Those values live
// in member:{id}:idx, so a move between regions never needs the old record to be parsed
// (Lua cannot read protobuf).
constexpr const char* common_lua = R"lua(
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
local function unindex(id)
  local prev = redis.call('HMGET', 'member:' .. id .. ':idx', 'region', 'sector', 'local', 'tags',
                          'mobile')
  if prev[1] and prev[1] ~= '' then collect(removals, 'aud:region:' .. prev[1], id) end
  if prev[2] and prev[2] ~= '' then collect(removals, 'aud:sector:' .. prev[2], id) end
  if prev[3] and prev[3] ~= '' then collect(removals, 'aud:local:' .. prev[3], id) end
  if prev[4] and prev[4] ~= '' then
    for tag in string.gmatch(prev[4], '[^\031]+') do collect(removals, 'aud:tag:' .. tag, id) end
  end
  if prev[5] and prev[5] ~= '' then redis.call('SREM', 'phone:' .. prev[5], id) end
end
)lua";

// ARGV: dry_run ('1'/'0'), count, then per member FIELDS values: id, record bytes, region,
// sector, local, tags (joined by \031), mobile, email, language ("fr"/"en"), job title.
// Index values arrive folded; every id is distinct (the importer drops repeats). The
// language is indexed for the alert preview, which counts recipients per language without
// parsing records (Lua cannot read protobuf), and the job title for the turnout's breakdown. Opt-outs are read from the registry here, in the same atomic step,
// so a STOP that lands during an import is never undone by it.
// Returns per member: status * 2 + shared_phone, status 0 new, 1 updated, 2 unchanged;
// shared_phone: another stored member has this mobile.
constexpr const char* upsert_body_lua = R"lua(
local FIELDS = 10
local dry = ARGV[1] == '1'
local n = tonumber(ARGV[2])
local out = {}
for i = 0, n - 1 do
  local b = 2 + i * FIELDS
  local id, bytes = ARGV[b + 1], ARGV[b + 2]
  local region, sector, loc, tags = ARGV[b + 3], ARGV[b + 4], ARGV[b + 5], ARGV[b + 6]
  local mobile, email, language, title = ARGV[b + 7], ARGV[b + 8], ARGV[b + 9], ARGV[b + 10]
  local key = 'member:' .. id
  local old = redis.call('GET', key)
  local status = 2
  if old ~= bytes then
    status = old and 1 or 0
    if not dry then
      if old then unindex(id) end
      redis.call('SET', key, bytes)
      redis.call('HSET', 'member:' .. id .. ':idx', 'region', region, 'sector', sector,
                 'local', loc, 'tags', tags, 'mobile', mobile, 'email', email,
                 'language', language, 'title', title)
      if region ~= '' then collect(additions, 'aud:region:' .. region, id) end
      if sector ~= '' then collect(additions, 'aud:sector:' .. sector, id) end
      if loc ~= '' then collect(additions, 'aud:local:' .. loc, id) end
      for tag in string.gmatch(tags, '[^\031]+') do collect(additions, 'aud:tag:' .. tag, id) end
      collect(additions, 'members:all', id)
      if mobile ~= '' then
        collect(additions, 'members:sms', id)
        redis.call('SADD', 'phone:' .. mobile, id)
        if redis.call('SISMEMBER', 'optout:sms', mobile) == 1 then
          collect(additions, 'optout:sms:members', id)
        elseif old then
          collect(removals, 'optout:sms:members', id)
        end
      elseif old then
        collect(removals, 'members:sms', id)
        collect(removals, 'optout:sms:members', id)
      end
      if email ~= '' then
        collect(additions, 'members:email', id)
        if redis.call('SISMEMBER', 'optout:email', email) == 1 then
          collect(additions, 'optout:email:members', id)
        elseif old then
          collect(removals, 'optout:email:members', id)
        end
      elseif old then
        collect(removals, 'members:email', id)
        collect(removals, 'optout:email:members', id)
      end
    end
  elseif not dry then
    -- An unchanged member indexed before languages or titles were: a re-import fills the
    -- fields in (HSETNX writes, and reaches the AOF, only when one is missing).
    redis.call('HSETNX', 'member:' .. id .. ':idx', 'language', language)
    redis.call('HSETNX', 'member:' .. id .. ':idx', 'title', title)
  end
  local shared = 0
  if mobile ~= '' then
    local holders = redis.call('SCARD', 'phone:' .. mobile)
    -- Whether this member is one of the holders: surely after a write or when unchanged;
    -- a dry run of a new or changed member has to ask.
    local holds = 1
    if dry and status ~= 2 then holds = redis.call('SISMEMBER', 'phone:' .. mobile, id) end
    if holders - holds > 0 then shared = 1 end
  end
  out[#out + 1] = status * 2 + shared
end
apply('SREM', removals)
apply('SADD', additions)
return out
)lua";

// ARGV: member ids. Returns how many existed.
constexpr const char* remove_body_lua = R"lua(
local removed = 0
for _, id in ipairs(ARGV) do
  if redis.call('EXISTS', 'member:' .. id) == 1 then removed = removed + 1 end
  unindex(id)
  redis.call('DEL', 'member:' .. id, 'member:' .. id .. ':idx')
  for _, set in ipairs({ 'members:all', 'members:sms', 'members:email', 'optout:sms:members',
                         'optout:email:members' }) do
    collect(removals, set, id)
  end
end
apply('SREM', removals)
return removed
)lua";

}  // namespace

const redis::Script& upsert_members_script() {
  static const redis::Script script(std::string(common_lua) + upsert_body_lua);
  return script;
}

const redis::Script& remove_members_script() {
  static const redis::Script script(std::string(common_lua) + remove_body_lua);
  return script;
}

}  // namespace tocsin::members
