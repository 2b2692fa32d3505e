#include "members/member_store_scripts.h"

#include <string_view>

#include "members/member_keys.h"
#include "members/member_remove.lua.h"
#include "members/member_upsert.lua.h"
#include "redis/client.h"
#include "redis/decode.h"
#include "redis/script.h"

namespace tocsin::members {
namespace {

using Strings = std::vector<std::string>;

// The sets both scripts start with (their KEYS[1..5]).
Strings roster_sets() {
  return {std::string(keys::kAll), std::string(keys::kWithSms), std::string(keys::kWithEmail),
          keys::opted_out_members("sms"), keys::opted_out_members("email")};
}

// The keys and values of what a member leaves: region, sector, local, phone, then one key
// per stored tag; ARGV the five values and the number of tag keys. The key of an empty
// value is passed and never touched (it names no set).
void add_indexed_under(const IndexedUnder& under, Strings& keys_out, Strings& args) {
  keys_out.push_back(keys::audience_term("region", under.region));
  keys_out.push_back(keys::audience_term("sector", under.sector));
  keys_out.push_back(keys::audience_term("local", under.local));
  keys_out.push_back(keys::phone(under.mobile));
  size_t tag_keys = 0;
  std::string_view tags = under.tags;
  while (!tags.empty()) {
    const size_t end = tags.find('\x1f');
    const std::string_view tag = tags.substr(0, end);
    if (!tag.empty()) {
      keys_out.push_back(keys::audience_term("tag", tag));
      ++tag_keys;
    }
    if (end == std::string_view::npos) break;
    tags.remove_prefix(end + 1);
  }
  for (const std::string* value :
       {&under.region, &under.sector, &under.local, &under.tags, &under.mobile}) {
    args.push_back(*value);
  }
  args.push_back(std::to_string(tag_keys));
}

std::string joined(const std::vector<std::string>& tags) {
  std::string out;
  for (const auto& tag : tags) {
    if (!out.empty()) out += '\x1f';
    out += tag;
  }
  return out;
}

}  // namespace

const redis::Script& upsert_members_script() {
  static const redis::Script script(std::string(lua::member_upsert));
  return script;
}

const redis::Script& remove_members_script() {
  static const redis::Script script(std::string(lua::member_remove));
  return script;
}

boost::asio::awaitable<Result<std::vector<IndexedUnder>>> read_indexed_under(
    redis::Client& redis, const std::vector<std::string>& ids) {
  std::vector<IndexedUnder> out;
  if (ids.empty()) co_return out;
  std::vector<redis::Command> reads;
  reads.reserve(ids.size());
  for (const auto& id : ids) {
    reads.push_back({"HMGET", keys::index(id), std::string(keys::field::kRegion),
                     std::string(keys::field::kSector), std::string(keys::field::kLocal),
                     std::string(keys::field::kTags), std::string(keys::field::kMobile)});
  }
  auto replies = co_await redis.exec_pipeline(std::move(reads));
  if (!replies) co_return replies.error();
  out.reserve(ids.size());
  for (const redis::Reply& reply : *replies) {
    auto values = redis::decode<std::vector<std::optional<std::string>>>(reply);
    if (!values) co_return values.error();
    if (values->size() != 5) co_return make_error_code(redis::Errc::unexpected_reply);
    auto& v = *values;
    out.push_back({v[0].value_or(""), v[1].value_or(""), v[2].value_or(""), v[3].value_or(""),
                   v[4].value_or("")});
  }
  co_return out;
}

ScriptCall upsert_members_call(const std::vector<IndexedMember>& batch,
                               const std::vector<IndexedUnder>& before, bool dry_run) {
  ScriptCall call;
  call.keys = roster_sets();
  for (std::string_view channel : {"sms", "email"}) {
    call.keys.push_back(keys::opt_out_registry(channel));
  }
  call.args = {dry_run ? "1" : "0", std::to_string(batch.size())};
  call.keys.reserve(call.keys.size() + batch.size() * 12);
  call.args.reserve(2 + batch.size() * 17);
  for (size_t i = 0; i < batch.size(); ++i) {
    const IndexedMember& member = batch[i];
    call.keys.push_back(keys::member(member.id));
    call.keys.push_back(keys::index(member.id));
    call.keys.push_back(keys::phone(member.mobile));
    call.keys.push_back(keys::audience_term("region", member.region));
    call.keys.push_back(keys::audience_term("sector", member.sector));
    call.keys.push_back(keys::audience_term("local", member.local));
    for (const auto& tag : member.tags) call.keys.push_back(keys::audience_term("tag", tag));
    for (const std::string* value :
         {&member.id, &member.record, &member.region, &member.sector, &member.local}) {
      call.args.push_back(*value);
    }
    call.args.push_back(joined(member.tags));
    for (const std::string* value :
         {&member.mobile, &member.email, &member.language, &member.title}) {
      call.args.push_back(*value);
    }
    call.args.push_back(std::to_string(member.tags.size()));
    add_indexed_under(before.at(i), call.keys, call.args);
  }
  return call;
}

ScriptCall remove_members_call(const std::vector<std::string>& ids,
                               const std::vector<IndexedUnder>& before) {
  ScriptCall call;
  call.keys = roster_sets();
  call.args = {std::to_string(ids.size())};
  for (size_t i = 0; i < ids.size(); ++i) {
    call.keys.push_back(keys::member(ids[i]));
    call.keys.push_back(keys::index(ids[i]));
    call.args.push_back(ids[i]);
    add_indexed_under(before.at(i), call.keys, call.args);
  }
  return call;
}

}  // namespace tocsin::members
