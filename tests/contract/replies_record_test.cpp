// The contract of the record script (daemon/replies/record_replies.lua), on its main paths:
// a yes, a no, a change of answer, an unclear reply, a repeated answer, a bus seat given,
// waitlisted and handed on when its holder says no, a member not yet placed counted at the
// place given. One call holds one alert's replies, all its keys under the alert's tag, so
// it runs on plain Redis and on a cluster. (Opt-outs by SMS are not the script's:
// tests/integration/replies_sms_opt_outs_test.cpp.)

#include <gtest/gtest.h>

#include "replies/record_replies.lua.h"
#include "tests/support/record_batch.h"
#include "tests/support/script_contract.h"

namespace tocsin::replies {
namespace {

using testing::BatchReply;
using testing::RecordBatch;
using testing::ScriptContract;

constexpr const char* kAna = "+15145550001";

// Alert a1 is sending; pickup point Q has one bus of one seat; m1..m3 count in "est".
class RecordReplies : public ScriptContract {
 protected:
  void SetUp() override {
    ScriptContract::SetUp();
    redis().command({"HSET", "alert:{a1}", "state", "sending", "fleet:Q", "1", "seats_per_bus:Q",
                     "1", "fleet_free:Q", "1", "fleet_place:Q", "est|pickup:Q|"});
    for (const char* member : {"m1", "m2", "m3"}) {
      redis().command({"HSET", "alert:{a1}:dims", member, "est|all|"});
    }
  }
  static BatchReply answer(const std::string& member, const std::string& what, int64_t at_ms,
                           int bus_seats = 0) {
    BatchReply reply{.alert = "a1", .member = member, .number = kAna, .text = what, .at_ms = at_ms};
    reply.record = {.answer = what,
                    .bus_seats = bus_seats,
                    .pickup = bus_seats ? "Q" : "",
                    .region = "est",
                    .at_ms = at_ms,
                    .source = "sms"};
    return reply;
  }
  // Runs one batch; returns each reply's status.
  std::vector<std::string> record(const std::vector<BatchReply>& replies) {
    RecordBatch batch;
    for (const auto& reply : replies) batch.add(reply);
    auto reply = run(lua::record_replies, batch.keys(), batch.args());
    std::vector<std::string> out;
    for (const auto& status : reply.elements) out.push_back(status.str);
    EXPECT_EQ(out.size(), replies.size()) << reply.str;
    return out;
  }
  std::string tally(const std::string& field) {
    return redis().text({"HGET", "alert:{a1}:tally", field});
  }
  // turnout_at is the time in ms: made older before a call that follows another, so that
  // the call's change shows even within the same millisecond.
  void age_turnout_at() { redis().command({"SET", "alert:{a1}:turnout_at", "0"}); }
  // The turnout's bookkeeping, changed by every call that moves a count (and the alert's
  // set of regions, by the first count in a region).
  static std::set<std::string> with_counts(std::set<std::string> keys) {
    keys.insert({"alert:{a1}:tally", "alert:{a1}:tally:moved", "alert:{a1}:turnout_version",
                 "alert:{a1}:turnout_tracked", "alert:{a1}:turnout_at"});
    return keys;
  }
};

TEST_P(RecordReplies, AYesIsStoredAndCounted) {
  const auto before = keyspace();
  EXPECT_EQ(record({answer("m1", "yes", 1000)}), std::vector<std::string>{"recorded"});
  EXPECT_EQ(tally("est|all|yes"), "1");
  EXPECT_EQ(tally("est|all|coming"), "1");
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:rsvp_text", "m1"}), "yes");
  EXPECT_EQ(changed_keys(before),
            with_counts({"alert:{a1}:rsvp", "alert:{a1}:rsvp_text", "alert:{a1}:regions"}));
}

TEST_P(RecordReplies, TheSameAnswerAgainIsSameAndChangesNothing) {
  record({answer("m1", "yes", 1000)});
  const auto before = keyspace();
  EXPECT_EQ(record({answer("m1", "yes", 2000)}), std::vector<std::string>{"same"});
  EXPECT_TRUE(changed_keys(before).empty());
}

TEST_P(RecordReplies, AChangeOfAnswerMovesTheTallyByTheDifference) {
  record({answer("m1", "yes", 1000), answer("m2", "no", 1000)});
  EXPECT_EQ(tally("est|all|no"), "1");
  age_turnout_at();
  const auto before = keyspace();
  EXPECT_EQ(record({answer("m1", "no", 2000)}), std::vector<std::string>{"recorded"});
  EXPECT_EQ(tally("est|all|no"), "2");
  EXPECT_EQ(redis().integer({"HEXISTS", "alert:{a1}:tally", "est|all|yes"}), 0);
  EXPECT_EQ(redis().integer({"HEXISTS", "alert:{a1}:tally", "est|all|coming"}), 0);
  // The fields it moved were noted for the publisher by the first call already (no entry
  // was published in between): that set is unchanged.
  auto expected = with_counts({"alert:{a1}:rsvp", "alert:{a1}:rsvp_text"});
  expected.erase("alert:{a1}:tally:moved");
  EXPECT_EQ(changed_keys(before), expected);
  for (const char* field : {"est|all|yes", "est|all|no", "est|all|coming"}) {
    EXPECT_EQ(redis().integer({"SISMEMBER", "alert:{a1}:tally:moved", field}), 1) << field;
  }
}

TEST_P(RecordReplies, AnUnclearReplyIsKeptUntilTheMemberAnswersClearly) {
  BatchReply unclear{.kind = "unknown",
                     .alert = "a1",
                     .member = "m3",
                     .number = kAna,
                     .text = "peut-être demain?",
                     .at_ms = 1000};
  const auto before = keyspace();
  EXPECT_EQ(record({unclear}), std::vector<std::string>{"unknown"});
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:unknown", "m3"}), "1000|peut-être demain?");
  EXPECT_EQ(tally("est|all|unknown"), "1");
  EXPECT_EQ(changed_keys(before), with_counts({"alert:{a1}:unknown", "alert:{a1}:regions"}));

  EXPECT_EQ(record({answer("m3", "maybe", 2000)}), std::vector<std::string>{"recorded"});
  EXPECT_EQ(redis().integer({"HEXISTS", "alert:{a1}:unknown", "m3"}), 0);
  EXPECT_EQ(redis().integer({"HEXISTS", "alert:{a1}:tally", "est|all|unknown"}), 0);
  EXPECT_EQ(tally("est|all|maybe"), "1");
}

TEST_P(RecordReplies, ASeatIsGivenThenWaitedForThenHandedOnWhenItsHolderSaysNo) {
  const auto statuses = record({answer("m1", "yes", 1000, 1), answer("m2", "yes", 1001, 1)});
  ASSERT_EQ(statuses.size(), 2u);
  // status, then the seat: state, pickup, bus, seats, rank
  EXPECT_EQ(statuses[0],
            "recorded\x1fseated\x1fQ\x1f"
            "1\x1f"
            "1\x1f"
            "0");
  EXPECT_EQ(statuses[1],
            "recorded\x1fwaitlisted\x1fQ\x1f"
            "0\x1f"
            "1\x1f"
            "1");
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:day", "est|pickup:Q|seated"}), "1");
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:day", "est|pickup:Q|waitlisted"}), "1");

  age_turnout_at();
  const auto before = keyspace();
  EXPECT_EQ(record({answer("m1", "no", 2000)}), std::vector<std::string>{"recorded"});
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:seat", "m2"}).substr(0, 4),
            "Q\x1f"
            "1\x1f");
  EXPECT_EQ(redis().integer({"HEXISTS", "alert:{a1}:seat", "m1"}), 0);
  const std::string told = redis().text({"XRANGE", "alert:{a1}:seat_notices", "-", "+"});
  EXPECT_NE(told.find("member\nm2\nkind\npromoted\n"), std::string::npos) << told;
  EXPECT_EQ(
      changed_keys(before),
      with_counts({"alert:{a1}:rsvp", "alert:{a1}:rsvp_text", "alert:{a1}:seat",
                   "alert:{a1}:waiting", "alert:{a1}:wait:Q", "alert:{a1}:day",
                   "alert:{a1}:seat_notices"}));
}

TEST_P(RecordReplies, AMemberNotYetPlacedCountsAtThePlaceGiven) {
  BatchReply unclear{.kind = "unknown",
                     .alert = "a1",
                     .member = "m9",
                     .number = kAna,
                     .text = "?",
                     .at_ms = 1000,
                     .place = {.region = "ouest", .sector = "sante"}};
  EXPECT_EQ(record({unclear}), std::vector<std::string>{"unknown"});
  EXPECT_EQ(tally("ouest|all|unknown"), "1");
  EXPECT_EQ(tally("ouest|sector:sante|unknown"), "1");
}

TEST_P(RecordReplies, AnUnknownKindIsIgnoredAndChangesNothing) {
  BatchReply help{.kind = "help", .alert = "a1", .member = "m1", .number = kAna, .at_ms = 1000};
  const auto before = keyspace();
  EXPECT_EQ(record({help}), std::vector<std::string>{"ignored"});
  EXPECT_TRUE(changed_keys(before).empty());
}
TOCSIN_SCRIPT_CONTRACT(RecordReplies);

}  // namespace
}  // namespace tocsin::replies
