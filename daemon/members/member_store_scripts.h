#pragma once
// The Lua scripts that keep a member and every index that names it in step. Each runs
// atomically in Redis, so a reader never sees a member half-moved between regions.

namespace tocsin::redis {
class Script;
}

namespace tocsin::members {

// Upserts a batch of members: members/member_upsert.lua (its KEYS and ARGV).
const redis::Script& upsert_members_script();
// Removes a batch of members and their index entries (never the opt-out registry):
// members/member_remove.lua.
const redis::Script& remove_members_script();

}  // namespace tocsin::members
