// The contracts of the roster's scripts (daemon/members/member_upsert.lua,
// member_remove.lua): a member and every index that names it change together. Their keys
// cross slots (a member's keys, the shared indexes, the opt-out registry; and the index
// keys of a member's previous values, read from member:{id}:idx inside the script), so
// they run on plain Redis only.

#include <gtest/gtest.h>

#include "members/member_remove.lua.h"
#include "members/member_upsert.lua.h"
#include "tests/support/script_contract.h"

namespace tocsin::members {
namespace {

using testing::ScriptContract;

struct Row {
  std::string id, bytes, region, sector, local;
  std::vector<std::string> tags;
  std::string mobile, email, language = "fr", title;
};

const std::vector<std::string> kRosterSets{
    "members:all",  "members:sms",        "members:email",       "optout:sms",
    "optout:email", "optout:sms:members", "optout:email:members"};

// KEYS and ARGV of member_upsert.lua for `rows`, as the importer builds them.
std::pair<std::vector<std::string>, std::vector<std::string>> upsert_call(
    const std::vector<Row>& rows, bool dry_run = false) {
  std::vector<std::string> keys = kRosterSets;
  std::vector<std::string> args{dry_run ? "1" : "0", std::to_string(rows.size())};
  for (const Row& row : rows) {
    for (std::string key :
         {"member:" + row.id, "member:" + row.id + ":idx", "phone:" + row.mobile,
          "aud:region:" + row.region, "aud:sector:" + row.sector, "aud:local:" + row.local}) {
      keys.push_back(std::move(key));
    }
    std::string tags;
    for (const auto& tag : row.tags) {
      keys.push_back("aud:tag:" + tag);
      tags += (tags.empty() ? "" : "\x1f") + tag;
    }
    for (std::string value :
         {row.id, row.bytes, row.region, row.sector, row.local, tags, row.mobile, row.email,
          row.language, row.title, std::to_string(row.tags.size())}) {
      args.push_back(std::move(value));
    }
  }
  return {keys, args};
}

std::pair<std::vector<std::string>, std::vector<std::string>> remove_call(
    const std::vector<std::string>& ids) {
  std::vector<std::string> keys{"members:all", "members:sms", "members:email", "optout:sms:members",
                                "optout:email:members"};
  for (const auto& id : ids) {
    keys.push_back("member:" + id);
    keys.push_back("member:" + id + ":idx");
  }
  return {keys, ids};
}

Row ana() {
  return {.id = "m1",
          .bytes = "record-1",
          .region = "estrie",
          .sector = "sante",
          .local = "l1",
          .tags = {"mob", "cse"},
          .mobile = "+15145550001",
          .email = "ana@example.org",
          .language = "en",
          .title = "nurse"};
}

class MemberUpsert : public ScriptContract {
 protected:
  redis::Reply upsert(const std::vector<Row>& rows, bool dry_run = false) {
    auto [keys, args] = upsert_call(rows, dry_run);
    return run(lua::member_upsert, keys, args);
  }
};

TEST_P(MemberUpsert, ANewMemberIsStoredWithEveryIndexThatNamesIt) {
  const auto before = keyspace();
  auto reply = upsert({ana()});
  ASSERT_EQ(reply.elements.size(), 1u);
  EXPECT_EQ(reply.elements[0].integer, 0);  // new, no shared phone
  EXPECT_EQ(
      changed_keys(before),
      (std::set<std::string>{"member:m1", "member:m1:idx", "phone:+15145550001",
                             "aud:region:estrie", "aud:sector:sante", "aud:local:l1", "aud:tag:mob",
                             "aud:tag:cse", "members:all", "members:sms", "members:email"}));
  EXPECT_EQ(redis().text({"GET", "member:m1"}), "record-1");
  EXPECT_EQ(
      redis().text({"HMGET", "member:m1:idx", "region", "tags", "mobile", "language", "title"}),
      "estrie\nmob\x1f"
      "cse\n+15145550001\nen\nnurse\n");
  EXPECT_EQ(redis().integer({"SISMEMBER", "aud:tag:cse", "m1"}), 1);
}

TEST_P(MemberUpsert, AnUnchangedMemberChangesNothingAndReadsTwo) {
  upsert({ana()});
  const auto before = keyspace();
  auto reply = upsert({ana()});
  EXPECT_EQ(reply.elements.at(0).integer, 2 * 2);
  EXPECT_TRUE(changed_keys(before).empty());
}

TEST_P(MemberUpsert, AMoveLeavesTheOldIndexesAndJoinsTheNew) {
  upsert({ana()});
  Row moved = ana();
  moved.bytes = "record-2";
  moved.region = "laurentides";
  moved.tags = {"mob"};
  moved.mobile = "+15145550002";
  const auto before = keyspace();
  auto reply = upsert({moved});
  EXPECT_EQ(reply.elements.at(0).integer, 1 * 2);
  // The old region, tag and phone (read from member:m1:idx) lose the member.
  EXPECT_EQ(changed_keys(before),
            (std::set<std::string>{"member:m1", "member:m1:idx", "aud:region:estrie",
                                   "aud:region:laurentides", "aud:tag:cse", "phone:+15145550001",
                                   "phone:+15145550002"}));
  EXPECT_EQ(redis().integer({"EXISTS", "aud:region:estrie", "aud:tag:cse", "phone:+15145550001"}),
            0);
  EXPECT_EQ(redis().integer({"SISMEMBER", "aud:region:laurentides", "m1"}), 1);
}

TEST_P(MemberUpsert, AnAddressInTheRegistryPutsTheMemberAmongTheOptedOut) {
  redis().command({"SADD", "optout:sms", "+15145550001"});
  upsert({ana()});
  EXPECT_EQ(redis().integer({"SISMEMBER", "optout:sms:members", "m1"}), 1);
  EXPECT_EQ(redis().integer({"EXISTS", "optout:email:members"}), 0);
}

TEST_P(MemberUpsert, ASharedPhoneIsReportedAndADryRunWritesNothing) {
  upsert({ana()});
  Row bo = ana();
  bo.id = "m2";
  const auto before = keyspace();
  auto dry = upsert({bo}, true);
  EXPECT_EQ(dry.elements.at(0).integer, 0 * 2 + 1);  // new, shares the phone
  EXPECT_TRUE(changed_keys(before).empty());
  auto wet = upsert({bo});
  EXPECT_EQ(wet.elements.at(0).integer, 0 * 2 + 1);
  EXPECT_EQ(redis().integer({"SCARD", "phone:+15145550001"}), 2);
}

TEST_P(MemberUpsert, AMemberWithoutAddressesJoinsNoChannelSet) {
  Row cy{.id = "m3", .bytes = "record-3", .region = "estrie"};
  const auto before = keyspace();
  upsert({cy});
  EXPECT_EQ(changed_keys(before), (std::set<std::string>{"member:m3", "member:m3:idx",
                                                         "aud:region:estrie", "members:all"}));
}
TOCSIN_SCRIPT_CONTRACT_STANDALONE_ONLY(MemberUpsert);

class MemberRemove : public ScriptContract {};

TEST_P(MemberRemove, RemovesTheMemberAndEveryIndexEntryButNotTheRegistry) {
  redis().command({"SADD", "optout:sms", "+15145550001"});
  auto [keys, args] = upsert_call({ana()});
  run(lua::member_upsert, keys, args);
  const auto before = keyspace();
  auto [remove_keys, ids] = remove_call({"m1", "gone"});
  auto reply = run(lua::member_remove, remove_keys, ids);
  EXPECT_EQ(reply.integer, 1);  // "gone" did not exist
  EXPECT_EQ(changed_keys(before),
            (std::set<std::string>{"member:m1", "member:m1:idx", "phone:+15145550001",
                                   "aud:region:estrie", "aud:sector:sante", "aud:local:l1",
                                   "aud:tag:mob", "aud:tag:cse", "members:all", "members:sms",
                                   "members:email", "optout:sms:members"}));
  EXPECT_EQ(redis().integer({"SISMEMBER", "optout:sms", "+15145550001"}), 1);
}

TEST_P(MemberRemove, IdsNotStoredChangeNothing) {
  auto [keys, args] = upsert_call({ana()});
  run(lua::member_upsert, keys, args);
  const auto before = keyspace();
  auto [remove_keys, ids] = remove_call({"x1", "x2"});
  EXPECT_EQ(run(lua::member_remove, remove_keys, ids).integer, 0);
  EXPECT_TRUE(changed_keys(before).empty());
}
TOCSIN_SCRIPT_CONTRACT_STANDALONE_ONLY(MemberRemove);

}  // namespace
}  // namespace tocsin::members
