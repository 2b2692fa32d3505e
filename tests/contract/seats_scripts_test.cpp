// The contracts of the seat scripts other than the record script (daemon/seats/*.lua):
// adding a bus, and taking back the seats not confirmed in time. The seats before each
// test are given by the record script, as members' answers give them (a setup step: that
// script still crosses slots). Each writes its seat news to the alert's own stream, which
// the caller relays to seats:notices.

#include <gtest/gtest.h>

#include "replies/record_replies.lua.h"
#include "seats/add_bus.lua.h"
#include "seats/lapse_unconfirmed.lua.h"
#include "seats/seat_scripts.h"
#include "tests/support/record_batch.h"
#include "tests/support/script_contract.h"

namespace tocsin::seats {
namespace {

using testing::ScriptContract;

// One bus of one seat at pickup point Q; members m1..m3 placed in the region "est".
class SeatScripts : public ScriptContract {
 protected:
  void SetUp() override {
    ScriptContract::SetUp();
    redis().command({"HSET", "alert:{a1}", "state", "sending", "fleet:Q", "1", "seats_per_bus:Q",
                     "1", "fleet_free:Q", "1", "fleet_place:Q", "est|pickup:Q|"});
    redis().command({"HSET", "alert:{a1}:day", "est|pickup:Q|buses", "1"});
    for (const char* member : {"m1", "m2", "m3"}) {
      redis().command({"HSET", "alert:{a1}:dims", member, "est|all|"});
    }
  }
  // A yes with one bus seat at Q, at `at_ms`.
  void wants_a_seat(const std::string& member, int64_t at_ms) {
    testing::RecordBatch batch;
    testing::BatchReply reply{.alert = "a1", .member = member, .text = "OUI BUS", .at_ms = at_ms};
    reply.record = {.answer = "yes",
                    .bus_seats = 1,
                    .pickup = "Q",
                    .region = "est",
                    .at_ms = at_ms,
                    .source = "sms"};
    batch.add(reply);
    auto status = run(replies::lua::record_replies, batch.keys(), batch.args());
    ASSERT_FALSE(status.is_error()) << status.str;
  }
  std::string notices() { return redis().text({"XRANGE", "alert:{a1}:seat_notices", "-", "+"}); }
  // turnout_at is the time in ms: made older before the call under test, so that its change
  // shows even in the millisecond of the answers before it.
  void age_turnout_at() { redis().command({"SET", "alert:{a1}:turnout_at", "0"}); }
};

class AddBus : public SeatScripts {
 protected:
  redis::Reply add(const std::string& pickup, const std::string& alert = "a1") {
    return run(lua::add_bus, add_bus_keys(alert), {alert, pickup, "1", "Luc", "pickup=Q", "5000"});
  }
};

TEST_P(AddBus, TheNewBusBoardsThoseWaitingAndShowsTheNewCount) {
  wants_a_seat("m1", 1000);
  wants_a_seat("m2", 1001);  // waits
  age_turnout_at();
  const auto before = keyspace();
  auto reply = add("Q");
  ASSERT_EQ(reply.elements.size(), 3u) << reply.str;
  EXPECT_EQ(reply.elements[0].str, "ok");
  EXPECT_EQ(reply.elements[1].integer, 2);  // buses now
  EXPECT_EQ(reply.elements[2].integer, 1);  // boarded
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:day", "est|pickup:Q|buses"}), "2");
  EXPECT_NE(notices().find("promoted"), std::string::npos);
  EXPECT_EQ(changed_keys(before),
            (std::set<std::string>{"alert:{a1}", "alert:{a1}:day", "alert:{a1}:seat",
                                   "alert:{a1}:load", "alert:{a1}:waiting", "alert:{a1}:wait:Q",
                                   "alert:{a1}:seat_notices", "alert:{a1}:audit",
                                   "alert:{a1}:turnout_version", "alert:{a1}:turnout_tracked",
                                   "alert:{a1}:day:moved", "alert:{a1}:turnout_at"}));
}

TEST_P(AddBus, RefusalsChangeNothing) {
  const auto before = keyspace();
  EXPECT_EQ(add("R").elements.at(0).str, "no_buses");
  EXPECT_EQ(add("Q", "a2").elements.at(0).str, "no_alert");
  redis().command({"HSET", "alert:{a1}", "state", "closed"});
  const auto closed = keyspace();
  auto wrong = add("Q");
  ASSERT_EQ(wrong.elements.size(), 2u) << wrong.str;
  EXPECT_EQ(wrong.elements[0].str, "wrong_state");
  EXPECT_EQ(wrong.elements[1].str, "closed");
  EXPECT_TRUE(changed_keys(closed).empty());
  EXPECT_EQ(changed_keys(before), (std::set<std::string>{"alert:{a1}"}));  // the state set above
}
TOCSIN_SCRIPT_CONTRACT(AddBus);

class LapseUnconfirmed : public SeatScripts {
 protected:
  redis::Reply lapse() {
    return run(lua::lapse_unconfirmed, lapse_unconfirmed_keys("a1"), {"a1", "9000"});
  }
};

TEST_P(LapseUnconfirmed, AnUnconfirmedSeatGoesToWhoWaitedAndItsHolderWaitsLast) {
  redis().command({"HSET", "alert:{a1}", "seat_ask_at_ms", "2000"});
  wants_a_seat("m1", 1000);  // seated before the confirmation was asked: unconfirmed
  wants_a_seat("m2", 1001);  // waits
  age_turnout_at();
  const auto before = keyspace();
  auto reply = lapse();
  ASSERT_EQ(reply.elements.size(), 2u) << reply.str;
  EXPECT_EQ(reply.elements[0].integer, 1);  // m1 sent to the waitlist
  EXPECT_EQ(reply.elements[1].integer, 1);  // m2 boarded
  EXPECT_EQ(redis().text({"ZRANGE", "alert:{a1}:wait:Q", "0", "-1"}), "m1\n");
  const std::string told = notices();
  EXPECT_LT(told.find("promoted"), told.find("lapsed")) << told;
  EXPECT_EQ(
      changed_keys(before),
      (std::set<std::string>{"alert:{a1}:seat", "alert:{a1}:waiting", "alert:{a1}:wait:Q",
                             "alert:{a1}:seat_seq", "alert:{a1}:seat_notices",
                             "alert:{a1}:turnout_version",
                             "alert:{a1}:turnout_tracked", "alert:{a1}:turnout_at"}));
  // One seated and one waiting before as after: the day's counts are the same.
}

TEST_P(LapseUnconfirmed, ASecondRunFindsNothingUnconfirmedAndChangesNothing) {
  redis().command({"HSET", "alert:{a1}", "seat_ask_at_ms", "2000"});
  wants_a_seat("m1", 1000);
  wants_a_seat("m2", 1001);
  lapse();
  const auto before = keyspace();
  auto reply = lapse();
  ASSERT_EQ(reply.elements.size(), 2u) << reply.str;
  EXPECT_EQ(reply.elements[0].integer, 0);
  EXPECT_EQ(reply.elements[1].integer, 0);
  EXPECT_TRUE(changed_keys(before).empty());
}
TOCSIN_SCRIPT_CONTRACT(LapseUnconfirmed);

}  // namespace
}  // namespace tocsin::seats
