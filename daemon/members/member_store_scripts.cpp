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
  local prev = redis.call('HMGET', idx, 'region', 'sector', 'local', 'tags', 'mobile', 'email')
  if prev[1] and prev[1] ~= '' then redis.call('SREM', 'aud:region:' .. prev[1], id) end
  if prev[2] and prev[2] ~= '' then redis.call('SREM', 'aud:sector:' .. prev[2], id) end
  if prev[3] and prev[3] ~= '' then redis.call('SREM', 'aud:local:' .. prev[3], id) end
  if prev[4] and prev[4] ~= '' then
    for tag in string.gmatch(prev[4], '[^\031]+') do redis.call('SREM', 'aud:tag:' .. tag, id) end
  end
  if prev[5] and prev[5] ~= '' then redis.call('SREM', 'phone:' .. prev[5], id) end
  if prev[6] and prev[6] ~= '' then redis.call('SREM', 'email:' .. prev[6], id) end
end
)lua";

// ARGV: dry_run ('1'/'0'), seen set key, phones-seen hash key, count, then per member
// FIELDS values: id, record bytes, region, sector, local, tags (joined by \031), mobile,
// email. Index values arrive folded. Opt-outs are read from the registry here, in the same
// atomic step, so a STOP that lands during an import is never undone by it.
// Returns per member: status * 2 + shared_phone, status 0 new, 1 updated, 2 unchanged,
// 3 duplicate id in this file (ignored).
constexpr const char* upsert_body_lua = R"lua(
local FIELDS = 8
local dry = ARGV[1] == '1'
local seen, phones = ARGV[2], ARGV[3]
local n = tonumber(ARGV[4])
local out = {}
for i = 0, n - 1 do
  local b = 4 + i * FIELDS
  local id, bytes = ARGV[b + 1], ARGV[b + 2]
  local region, sector, loc, tags = ARGV[b + 3], ARGV[b + 4], ARGV[b + 5], ARGV[b + 6]
  local mobile, email = ARGV[b + 7], ARGV[b + 8]
  local sms_out = mobile ~= '' and redis.call('SISMEMBER', 'optout:sms', mobile) == 1
  local email_out = email ~= '' and redis.call('SISMEMBER', 'optout:email', email) == 1
  local status
  if redis.call('SADD', seen, id) == 0 then
    status = 3
  else
    local key = 'member:' .. id
    local old = redis.call('GET', key)
    if old == bytes then
      status = 2
    else
      status = old and 1 or 0
      if not dry then
        unindex(id)
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
        else
          redis.call('SREM', 'members:sms', id)
        end
        if email ~= '' then
          redis.call('SADD', 'members:email', id)
          redis.call('SADD', 'email:' .. email, id)
        else
          redis.call('SREM', 'members:email', id)
        end
        if sms_out then redis.call('SADD', 'optout:sms:members', id)
        else redis.call('SREM', 'optout:sms:members', id) end
        if email_out then redis.call('SADD', 'optout:email:members', id)
        else redis.call('SREM', 'optout:email:members', id) end
      end
    end
  end
  local shared = 0
  if status ~= 3 and mobile ~= '' then
    -- Another member of this file, or one already stored, has the same phone.
    local first = redis.call('HGET', phones, mobile)
    if first and first ~= id then
      shared = 1
    elseif not first then
      redis.call('HSET', phones, mobile, id)
      local holders = redis.call('SMEMBERS', 'phone:' .. mobile)
      for _, holder in ipairs(holders) do
        if holder ~= id then shared = 1 end
      end
    end
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
