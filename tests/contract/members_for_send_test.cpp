// The contract of the roster read the send's prepare step is given
// (daemon/members/members_for_send.lua): each member's record, addresses, place and
// opt-outs, read in one step in the roster's slot, writing nothing. Every key is under
// {roster}, so it runs on plain Redis and on a cluster.

#include <gtest/gtest.h>

#include "members/members_for_send.h"
#include "members/members_for_send.lua.h"
#include "tests/support/script_contract.h"

namespace tocsin::members {
namespace {

using testing::ScriptContract;

class MembersForSend : public ScriptContract {};

TEST_P(MembersForSend, ReadsRecordAddressesPlaceAndOptOutsAndWritesNothing) {
  redis().command({"SET", "{roster}:member:m1", "record-1"});
  redis().command({"HSET", "{roster}:member:m1:idx", "mobile", "+15145550001", "email",
                   "m1@example.org", "region", "estrie", "sector", "sante", "title", "nurse"});
  redis().command({"SET", "{roster}:member:m2", "record-2"});
  redis().command({"HSET", "{roster}:member:m2:idx", "email", "m2@example.org"});
  redis().command({"SADD", "{roster}:optout:sms", "+15145550001"});
  redis().command({"SADD", "{roster}:optout:email", "m2@example.org"});
  const auto before = keyspace();
  // m3 was removed from the roster.
  auto reply = run(lua::members_for_send, members_for_send_keys({"m1", "m2", "m3"}), {});
  EXPECT_TRUE(changed_keys(before).empty());
  ASSERT_EQ(reply.elements.size(), 3u);
  const auto row = [&reply](size_t i) {
    std::string out;
    for (const auto& value : reply.elements[i].elements) {
      out +=
          (value.type == redis::Reply::Type::integer ? std::to_string(value.integer) : value.str) +
          "|";
    }
    return out;
  };
  EXPECT_EQ(row(0), "record-1|+15145550001|m1@example.org|estrie|sante||nurse|1|0|");
  EXPECT_EQ(row(1), "record-2||m2@example.org|||||0|1|");
  EXPECT_EQ(row(2), "|||||||0|0|");
}

TEST_P(MembersForSend, TheKeysAreTheRegistryThenEachMembersRecordAndIndex) {
  EXPECT_EQ(members_for_send_keys({"m1"}),
            (std::vector<std::string>{"{roster}:optout:sms", "{roster}:optout:email",
                                      "{roster}:member:m1", "{roster}:member:m1:idx"}));
}
TOCSIN_SCRIPT_CONTRACT(MembersForSend);

}  // namespace
}  // namespace tocsin::members
