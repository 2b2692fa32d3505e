#include "members/member_store_scripts.h"

#include "redis/script.h"

namespace tocsin::members {
namespace {

// Shared by both scripts: drop a member from the sets its previous values put it in.
// The previous values live in member:{id}:idx, so a move between regions never needs the
// old record to be parsed (Lua cannot read protobuf).
constexpr const char* unindex_lua = R"lua(
local function unindex(id)
  local idx = 'member:' .. id .. ':idx'
  local prev = redis.call('HMGET', idx, 'region', 'sector', 'local', 'tags', 'mobile')
  if prev[1] and prev[1] ~= '' then redis.call('SREM', 'aud:region:' .. prev[1], id) end
  if prev[2] and prev[2] ~= '' then redis.call('SREM', 'aud:sector:' .. prev[2], id) end
  if prev[3] and prev[3] ~= '' then redis.call('SREM', 'aud:local:' .. prev[3], id) end
  if prev[4] and prev[4] ~= '' then
    for tag in string.gmatch(prev[4], '[^\031]+') do redis.call('SREM', 'aud:tag:' .. tag, id) end
  end
  if prev[5] and prev[5] ~= '' then redis.call('SREM', 'phone:' .. prev[5], id) end
end
)lua";

// ARGV: dry_run ('1'/'0'), count, then per member FIELDS values: id, record bytes, region,
// sector, local, tags (joined by \031), mobile, email. Index values arrive folded; every id
// is distinct (the importer drops repeats). Opt-outs are read from the registry here, in the
// same atomic step, so a STOP that lands during an import is never undone by it.
// Returns per member: status * 2 + shared_phone, status 0 new, 1 updated, 2 unchanged;
// shared_phone: another stored member has this mobile.
// Kept lean: a 600,000-row import runs this 600 times, and every command is also written
// to the AOF.
constexpr const char* upsert_body_lua = R"lua(
local FIELDS = 8
local dry = ARGV[1] == '1'
local n = tonumber(ARGV[2])
local out = {}
for i = 0, n - 1 do
  local b = 2 + i * FIELDS
  local id, bytes = ARGV[b + 1], ARGV[b + 2]
  local region, sector, loc, tags = ARGV[b + 3], ARGV[b + 4], ARGV[b + 5], ARGV[b + 6]
  local mobile, email = ARGV[b + 7], ARGV[b + 8]
  local key = 'member:' .. id
  local old = redis.call('GET', key)
  local status = 2
  if old ~= bytes then
    status = old and 1 or 0
    if not dry then
      if old then unindex(id) end
      redis.call('SET', key, bytes)
      redis.call('HSET', 'member:' .. id .. ':idx', 'region', region, 'sector', sector,
                 'local', loc, 'tags', tags, 'mobile', mobile, 'email', email)
      if region ~= '' then redis.call('SADD', 'aud:region:' .. region, id) end
      if sector ~= '' then redis.call('SADD', 'aud:sector:' .. sector, id) end
      if loc ~= '' then redis.call('SADD', 'aud:local:' .. loc, id) end
      for tag in string.gmatch(tags, '[^\031]+') do redis.call('SADD', 'aud:tag:' .. tag, id) end
      redis.call('SADD', 'members:all', id)
      if mobile ~= '' then
        redis.call('SADD', 'members:sms', id)
        redis.call('SADD', 'phone:' .. mobile, id)
        if redis.call('SISMEMBER', 'optout:sms', mobile) == 1 then
          redis.call('SADD', 'optout:sms:members', id)
        elseif old then
          redis.call('SREM', 'optout:sms:members', id)
        end
      elseif old then
        redis.call('SREM', 'members:sms', id)
        redis.call('SREM', 'optout:sms:members', id)
      end
      if email ~= '' then
        redis.call('SADD', 'members:email', id)
        if redis.call('SISMEMBER', 'optout:email', email) == 1 then
          redis.call('SADD', 'optout:email:members', id)
        elseif old then
          redis.call('SREM', 'optout:email:members', id)
        end
      elseif old then
        redis.call('SREM', 'members:email', id)
        redis.call('SREM', 'optout:email:members', id)
      end
    end
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
return out
)lua";

// ARGV: member ids. Returns how many existed.
constexpr const char* remove_body_lua = R"lua(
local removed = 0
for _, id in ipairs(ARGV) do
  if redis.call('EXISTS', 'member:' .. id) == 1 then removed = removed + 1 end
  unindex(id)
  redis.call('DEL', 'member:' .. id, 'member:' .. id .. ':idx')
  redis.call('SREM', 'members:all', id)
  redis.call('SREM', 'members:sms', id)
  redis.call('SREM', 'members:email', id)
  redis.call('SREM', 'optout:sms:members', id)
  redis.call('SREM', 'optout:email:members', id)
end
return removed
)lua";

}  // namespace

const redis::Script& upsert_members_script() {
  static const redis::Script script(std::string(unindex_lua) + upsert_body_lua);
  return script;
}

const redis::Script& remove_members_script() {
  static const redis::Script script(std::string(unindex_lua) + remove_body_lua);
  return script;
}

}  // namespace tocsin::members
