#pragma once
// The Lua scripts that keep a member and every index that names it in step, and the KEYS
// and ARGV each is called with. Each runs atomically in Redis, so a reader never sees a
// member half-moved between regions.
//
// A script may touch only the keys it is given, so the index entries a member leaves (the
// region, tags and phone it was stored under) are named by the caller: it reads what
// {roster}:member:<id>:idx holds (read_indexed_under), passes those values and their keys,
// and the script checks them before writing anything. When another write moved a member
// in between, the script changes nothing and answers kIndexMoved: read again and retry.

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "util/result.h"

namespace tocsin::redis {
class Client;
class Script;
}  // namespace tocsin::redis

namespace tocsin::members {

// Upserts a batch of members: members/member_upsert.lua.
const redis::Script& upsert_members_script();
// Removes a batch of members and their index entries (never the opt-out registry):
// members/member_remove.lua.
const redis::Script& remove_members_script();

// A member as the scripts index them, every value folded (members::fold).
struct IndexedMember {
  std::string id;
  std::string record;  // the Member, serialized
  std::string region, sector, local;
  std::vector<std::string> tags;  // none empty
  std::string mobile, email, language, title;
};

// What {roster}:member:<id>:idx holds now: the values the member is indexed under ("" for
// none, and all "" for a member not stored). `tags` joined by \x1f, as stored.
struct IndexedUnder {
  std::string region, sector, local, tags, mobile;
  bool operator==(const IndexedUnder&) const = default;
};

// One pipelined HMGET per id, in the order given.
boost::asio::awaitable<Result<std::vector<IndexedUnder>>> read_indexed_under(
    redis::Client& redis, const std::vector<std::string>& ids);

struct ScriptCall {
  std::vector<std::string> keys;
  std::vector<std::string> args;
};

// `before[i]` is what read_indexed_under() gave for `batch[i]`.
ScriptCall upsert_members_call(const std::vector<IndexedMember>& batch,
                               const std::vector<IndexedUnder>& before, bool dry_run);
ScriptCall remove_members_call(const std::vector<std::string>& ids,
                               const std::vector<IndexedUnder>& before);

// Both scripts' answer when a member's index no longer holds what the caller read.
inline constexpr int64_t kIndexMoved = -1;

}  // namespace tocsin::members
