// The contracts of the roster's scripts (daemon/members/member_upsert.lua,
// member_remove.lua): a member and every index that names it change together. Every key is
// under the {roster} tag, and the index keys of a member's previous values are read and
// passed by the caller (members/member_store_scripts.h), so they run on a one-node
// cluster too.

#include <gtest/gtest.h>

#include "members/member_remove.lua.h"
#include "members/member_store_scripts.h"
#include "members/member_upsert.lua.h"
#include "tests/support/script_contract.h"

namespace tocsin::members {
namespace {

using testing::ScriptContract;
using Row = IndexedMember;

class RosterScript : public ScriptContract {
 protected:
  // What the caller reads first (read_indexed_under), here through the test's own client.
  std::vector<IndexedUnder> indexed_under(const std::vector<std::string>& ids) {
    std::vector<IndexedUnder> out;
    for (const auto& id : ids) {
      auto reply = redis().command({"HMGET", "{roster}:member:" + id + ":idx", "region", "sector",
                                    "local", "tags", "mobile"});
      const auto value = [&reply](size_t i) { return reply.elements.at(i).str; };
      out.push_back({value(0), value(1), value(2), value(3), value(4)});
    }
    return out;
  }
  static std::vector<std::string> ids_of(const std::vector<Row>& rows) {
    std::vector<std::string> ids;
    for (const Row& row : rows) ids.push_back(row.id);
    return ids;
  }
  redis::Reply upsert(const std::vector<Row>& rows, bool dry_run = false) {
    ScriptCall call = upsert_members_call(rows, indexed_under(ids_of(rows)), dry_run);
    return run(lua::member_upsert, call.keys, call.args);
  }
  redis::Reply remove(const std::vector<std::string>& ids) {
    ScriptCall call = remove_members_call(ids, indexed_under(ids));
    return run(lua::member_remove, call.keys, call.args);
  }
};

Row ana() {
  return {.id = "m1",
          .record = "record-1",
          .region = "estrie",
          .sector = "sante",
          .local = "l1",
          .tags = {"mob", "cse"},
          .mobile = "+15145550001",
          .email = "ana@example.org",
          .language = "en",
          .title = "nurse"};
}

class MemberUpsert : public RosterScript {};

TEST_P(MemberUpsert, ANewMemberIsStoredWithEveryIndexThatNamesIt) {
  const auto before = keyspace();
  auto reply = upsert({ana()});
  ASSERT_EQ(reply.elements.size(), 1u);
  EXPECT_EQ(reply.elements[0].integer, 0);  // new, no shared phone
  EXPECT_EQ(changed_keys(before),
            (std::set<std::string>{
                "{roster}:member:m1", "{roster}:member:m1:idx", "{roster}:phone:+15145550001",
                "{roster}:aud:region:estrie", "{roster}:aud:sector:sante", "{roster}:aud:local:l1",
                "{roster}:aud:tag:mob", "{roster}:aud:tag:cse", "{roster}:members:all",
                "{roster}:members:sms", "{roster}:members:email"}));
  EXPECT_EQ(redis().text({"GET", "{roster}:member:m1"}), "record-1");
  EXPECT_EQ(redis().text({"HMGET", "{roster}:member:m1:idx", "region", "tags", "mobile", "language",
                          "title"}),
            "estrie\nmob\x1f"
            "cse\n+15145550001\nen\nnurse\n");
  EXPECT_EQ(redis().integer({"SISMEMBER", "{roster}:aud:tag:cse", "m1"}), 1);
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
  moved.record = "record-2";
  moved.region = "laurentides";
  moved.tags = {"mob"};
  moved.mobile = "+15145550002";
  const auto before = keyspace();
  auto reply = upsert({moved});
  EXPECT_EQ(reply.elements.at(0).integer, 1 * 2);
  // The old region, tag and phone (read from {roster}:member:m1:idx) lose the member.
  EXPECT_EQ(changed_keys(before),
            (std::set<std::string>{"{roster}:member:m1", "{roster}:member:m1:idx",
                                   "{roster}:aud:region:estrie", "{roster}:aud:region:laurentides",
                                   "{roster}:aud:tag:cse", "{roster}:phone:+15145550001",
                                   "{roster}:phone:+15145550002"}));
  EXPECT_EQ(redis().integer({"EXISTS", "{roster}:aud:region:estrie", "{roster}:aud:tag:cse",
                             "{roster}:phone:+15145550001"}),
            0);
  EXPECT_EQ(redis().integer({"SISMEMBER", "{roster}:aud:region:laurentides", "m1"}), 1);
}

TEST_P(MemberUpsert, AnAddressInTheRegistryPutsTheMemberAmongTheOptedOut) {
  redis().command({"SADD", "{roster}:optout:sms", "+15145550001"});
  upsert({ana()});
  EXPECT_EQ(redis().integer({"SISMEMBER", "{roster}:optout:sms:members", "m1"}), 1);
  EXPECT_EQ(redis().integer({"EXISTS", "{roster}:optout:email:members"}), 0);
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
  EXPECT_EQ(redis().integer({"SCARD", "{roster}:phone:+15145550001"}), 2);
}

TEST_P(MemberUpsert, AMemberWithoutAddressesJoinsNoChannelSet) {
  Row cy{.id = "m3", .record = "record-3", .region = "estrie"};
  const auto before = keyspace();
  upsert({cy});
  EXPECT_EQ(changed_keys(before),
            (std::set<std::string>{"{roster}:member:m3", "{roster}:member:m3:idx",
                                   "{roster}:aud:region:estrie", "{roster}:members:all"}));
}

TEST_P(MemberUpsert, AMemberMovedSinceTheReadChangesNothingAndAsksForAnotherRead) {
  upsert({ana()});
  Row moved = ana();
  moved.record = "record-2";
  moved.region = "laurentides";
  // Read before another writer moved m1 to the sector "urgence".
  ScriptCall call = upsert_members_call({moved}, indexed_under({"m1"}), false);
  redis().command({"HSET", "{roster}:member:m1:idx", "sector", "urgence"});
  const auto before = keyspace();
  auto reply = run(lua::member_upsert, call.keys, call.args);
  ASSERT_EQ(reply.elements.size(), 1u);
  EXPECT_EQ(reply.elements[0].integer, kIndexMoved);
  EXPECT_TRUE(changed_keys(before).empty());
  // Read again, it goes through.
  EXPECT_EQ(upsert({moved}).elements.at(0).integer, 1 * 2);
}

TEST_P(MemberUpsert, ADryRunDoesNotCheckWhatItDoesNotWrite) {
  upsert({ana()});
  ScriptCall call = upsert_members_call({ana()}, {IndexedUnder{}}, true);
  EXPECT_EQ(run(lua::member_upsert, call.keys, call.args).elements.at(0).integer, 2 * 2);
}
TOCSIN_SCRIPT_CONTRACT(MemberUpsert);

class MemberRemove : public RosterScript {};

TEST_P(MemberRemove, RemovesTheMemberAndEveryIndexEntryButNotTheRegistry) {
  redis().command({"SADD", "{roster}:optout:sms", "+15145550001"});
  upsert({ana()});
  const auto before = keyspace();
  auto reply = remove({"m1", "gone"});
  EXPECT_EQ(reply.integer, 1);  // "gone" did not exist
  EXPECT_EQ(changed_keys(before),
            (std::set<std::string>{
                "{roster}:member:m1", "{roster}:member:m1:idx", "{roster}:phone:+15145550001",
                "{roster}:aud:region:estrie", "{roster}:aud:sector:sante", "{roster}:aud:local:l1",
                "{roster}:aud:tag:mob", "{roster}:aud:tag:cse", "{roster}:members:all",
                "{roster}:members:sms", "{roster}:members:email", "{roster}:optout:sms:members"}));
  EXPECT_EQ(redis().integer({"SISMEMBER", "{roster}:optout:sms", "+15145550001"}), 1);
}

TEST_P(MemberRemove, IdsNotStoredChangeNothing) {
  upsert({ana()});
  const auto before = keyspace();
  EXPECT_EQ(remove({"x1", "x2"}).integer, 0);
  EXPECT_TRUE(changed_keys(before).empty());
}

TEST_P(MemberRemove, AMemberMovedSinceTheReadIsNotRemoved) {
  upsert({ana()});
  ScriptCall call = remove_members_call({"m1"}, indexed_under({"m1"}));
  redis().command({"HSET", "{roster}:member:m1:idx", "region", "laurentides"});
  const auto before = keyspace();
  EXPECT_EQ(run(lua::member_remove, call.keys, call.args).integer, kIndexMoved);
  EXPECT_TRUE(changed_keys(before).empty());
}
TOCSIN_SCRIPT_CONTRACT(MemberRemove);

}  // namespace
}  // namespace tocsin::members
