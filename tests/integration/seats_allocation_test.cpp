// Bus seats (issue 18), the scripts' contract: the reply record script, the "add a bus"
// script and the confirmation lapse, driven directly against a real redis-server (no
// daemon). A pickup point with 2 buses of 56 seats: the first 112 seats asked for are
// given, bus by bus; the rest wait in arrival order; a NO from a seated member boards the
// next waiting, who is noted in the alert's seat news once (relayed to seats:notices by the
// daemon); a bus added boards as many as it seats.
// After every step the counts kept in alert:{id}:day and alert:{id}:load equal a recount
// of the stored seats.

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "replies/reply_scripts.h"
#include "seats/seat_record.h"
#include "seats/seat_scripts.h"
#include "seats/seat_status.h"
#include "tests/support/redis_server.h"
#include "tests/support/redis_sync.h"
#include "turnout/rsvp_record.h"

namespace tocsin {
namespace {

const std::string kAlert = "a1";
const std::string kBase = "alert:{a1}";

class SeatsAllocation : public ::testing::Test {
 protected:
  void SetUp() override {
    redis_.command({"HSET", kBase, "state", "sending", "fleet:P", "2", "seats_per_bus:P", "56",
                    "fleet_free:P", "112", "fleet_place:P", "est|pickup:P|", "fleet:Q", "1",
                    "seats_per_bus:Q", "4", "fleet_free:Q", "4", "fleet_place:Q",
                    "est|pickup:Q|"});
    // Where each member counts, as the send's prepare step writes it (turnout/reach_lib.lua).
    for (int i = 1; i <= 600; ++i) {
      const std::string sector = i % 2 ? "sante" : "education";
      redis_.command({"HSET", kBase + ":dims", member(i),
                      "est|all|\x1f" "est|sector:" + sector + "|"});
    }
  }

  static std::string member(int i) { return "m" + std::to_string(1000 + i); }

  redis::Reply eval(const redis::Script& script, const std::vector<std::string>& keys,
                    const std::vector<std::string>& args) {
    std::vector<std::string> argv{"EVAL", script.source(), std::to_string(keys.size())};
    argv.insert(argv.end(), keys.begin(), keys.end());
    argv.insert(argv.end(), args.begin(), args.end());
    return redis_.command(argv);
  }

  // Records the answers of one batch (as the reply worker does): "yes bus" at a pickup
  // point with `seats` seats, "yes" plain, or "no". Returns each status as the script
  // reports it.
  std::vector<seats::RecordStatus> answer(const std::vector<std::pair<int, std::string>>& batch,
                                          const std::string& pickup = "P", int seats = 1,
                                          const std::string& source = "sms") {
    std::vector<replies::ReplyToRecord> replies;
    for (const auto& [i, what] : batch) {
      replies::RsvpRecord record;
      record.answer = what == "no" ? "no" : "yes";
      if (what == "yes bus") {
        record.bus_seats = seats;
        record.pickup = pickup;
      }
      record.region = "est";
      record.at_ms = ++clock_;
      record.source = source;
      replies.push_back({"rsvp", member(i), replies::encode(record), what, clock_, {"est"}});
    }
    const std::vector<std::string> keys = replies::record_replies_keys(kAlert);
    const std::vector<std::string> args = replies::record_replies_args(kAlert, replies);
    auto reply = eval(replies::record_replies_script(), keys, args);
    EXPECT_FALSE(reply.is_error()) << reply.str;
    std::vector<seats::RecordStatus> out;
    for (const auto& element : reply.elements) out.push_back(seats::parse_record_status(element.str));
    return out;
  }

  std::vector<std::pair<std::string, std::string>> hash(const std::string& key) {
    auto reply = redis_.command({"HGETALL", key});
    std::vector<std::pair<std::string, std::string>> pairs;
    for (size_t i = 0; i + 1 < reply.elements.size(); i += 2) {
      pairs.emplace_back(reply.elements[i].str, reply.elements[i + 1].str);
    }
    return pairs;
  }

  std::map<std::string, int64_t> counts(const std::string& key,
                                        const std::vector<std::string>& measures) {
    std::map<std::string, int64_t> out;
    for (const auto& [field, value] : hash(key)) {
      for (const auto& measure : measures) {
        if (field.ends_with("|" + measure)) out[field] = std::stoll(value);
      }
    }
    return out;
  }

  // The kept counts equal a recount of the stored seats and waiting places.
  void expect_counts_equal_recount() {
    std::map<std::string, std::string> places;
    for (const auto& [m, place] : hash(kBase + ":dims")) places[m] = place;
    size_t unreadable = 0;
    const auto recounted =
        seats::recount(hash(kBase + ":seat"), hash(kBase + ":waiting"), places, &unreadable);
    EXPECT_EQ(unreadable, 0u);
    EXPECT_EQ(counts(kBase + ":day", {"seated", "waitlisted"}), recounted.day);
    std::map<std::string, int64_t> load;
    for (const auto& [field, value] : hash(kBase + ":load")) load[field] = std::stoll(value);
    EXPECT_EQ(load, recounted.load);
    // Seats free at each pickup point: its buses' seats less those taken.
    for (const std::string pickup : {"P", "Q"}) {
      int64_t taken = 0;
      for (const auto& [field, value] : load) {
        if (field.starts_with(pickup + "\x1f")) taken += value;
      }
      const int64_t seats = std::stoll(redis_.text({"HGET", kBase, "fleet:" + pickup})) *
                            std::stoll(redis_.text({"HGET", kBase, "seats_per_bus:" + pickup}));
      EXPECT_EQ(std::stoll(redis_.text({"HGET", kBase, "fleet_free:" + pickup})), seats - taken)
          << pickup;
    }
    // Every waiting member is on their pickup point's list, and only they.
    EXPECT_EQ(redis_.integer({"ZCARD", kBase + ":wait:P"}) +
                  redis_.integer({"ZCARD", kBase + ":wait:Q"}),
              redis_.integer({"HLEN", kBase + ":waiting"}));
  }

  int64_t field(const std::string& name) {
    const std::string value = redis_.text({"HGET", kBase + ":day", name});
    return value.empty() ? 0 : std::stoll(value);
  }

  std::vector<std::string> waitlist(const std::string& pickup = "P") {
    auto reply = redis_.command({"ZRANGE", kBase + ":wait:" + pickup, "0", "-1"});
    std::vector<std::string> members;
    for (const auto& element : reply.elements) members.push_back(element.str);
    return members;
  }

  // The notices written since the last call: member -> kind.
  std::vector<std::pair<std::string, std::string>> notices() {
    auto reply = redis_.command({"XRANGE", kBase + ":seat_notices", "(" + last_notice_, "+"});
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& entry : reply.elements) {
      last_notice_ = entry.elements[0].str;
      std::map<std::string, std::string> fields;
      const auto& f = entry.elements[1].elements;
      for (size_t i = 0; i + 1 < f.size(); i += 2) fields[f[i].str] = f[i + 1].str;
      out.emplace_back(fields["member"], fields["kind"]);
    }
    return out;
  }

  testing::RedisServer server_;
  testing::RedisSync redis_{server_.port()};
  int64_t clock_ = 1'800'000'000'000;
  std::string last_notice_ = "0-0";
};

TEST_F(SeatsAllocation, FiveHundredAskForTwoBusesOf56AndThirtyNoesBoardTheNextThirtyInOrder) {
  // 500 in five batches, in arrival order.
  std::vector<seats::RecordStatus> statuses;
  for (int first = 1; first <= 500; first += 100) {
    std::vector<std::pair<int, std::string>> batch;
    for (int i = first; i < first + 100; ++i) batch.emplace_back(i, "yes bus");
    for (auto& status : answer(batch)) statuses.push_back(std::move(status));
    expect_counts_equal_recount();
  }
  ASSERT_EQ(statuses.size(), 500u);
  for (int i = 0; i < 500; ++i) {
    EXPECT_EQ(statuses[i].status, "recorded");
    if (i < 112) {
      EXPECT_EQ(statuses[i].seat.state, "seated") << i;
      EXPECT_EQ(statuses[i].seat.bus, i < 56 ? 1 : 2) << i;
    } else {
      EXPECT_EQ(statuses[i].seat.state, "waitlisted") << i;
      EXPECT_EQ(statuses[i].seat.rank, i - 111) << i;
    }
  }
  EXPECT_EQ(field("est|pickup:P|seated"), 112);
  EXPECT_EQ(field("est|pickup:P|waitlisted"), 388);
  EXPECT_EQ(field("est|all|seated"), 112);
  EXPECT_EQ(field("est|sector:sante|seated") + field("est|sector:education|seated"), 112);
  auto waiting = waitlist();
  ASSERT_EQ(waiting.size(), 388u);
  for (int i = 0; i < 388; ++i) EXPECT_EQ(waiting[i], member(113 + i));
  EXPECT_TRUE(notices().empty());  // those who wrote are answered, not noticed

  // 30 seated members say NO, in three batches: exactly the next 30 board, in order, each
  // noted once.
  std::vector<std::pair<std::string, std::string>> boarded;
  for (int first = 1; first <= 30; first += 10) {
    std::vector<std::pair<int, std::string>> batch;
    for (int i = first; i < first + 10; ++i) batch.emplace_back(i * 3, "no");
    for (const auto& status : answer(batch)) EXPECT_EQ(status.seat.state, "");
    for (auto& notice : notices()) boarded.push_back(std::move(notice));
    expect_counts_equal_recount();
    EXPECT_EQ(field("est|pickup:P|seated"), 112);
  }
  ASSERT_EQ(boarded.size(), 30u);
  for (int i = 0; i < 30; ++i) {
    EXPECT_EQ(boarded[i].first, member(113 + i));
    EXPECT_EQ(boarded[i].second, "promoted");
    EXPECT_FALSE(redis_.text({"HGET", kBase + ":seat", member(113 + i)}).empty());
  }
  EXPECT_EQ(field("est|pickup:P|waitlisted"), 358);
  EXPECT_EQ(waitlist().front(), member(143));
}

TEST_F(SeatsAllocation, APartyBoardsTogetherAndASmallerOneBehindItMayTakeTheSeatsLeft) {
  // Q: one bus of 4 seats.
  auto first = answer({{1, "yes bus"}}, "Q", 3);
  EXPECT_EQ(first[0].seat.state, "seated");
  auto second = answer({{2, "yes bus"}}, "Q", 2);  // 1 seat left: waits
  EXPECT_EQ(second[0].seat.state, "waitlisted");
  auto third = answer({{3, "yes bus"}}, "Q", 1);  // queues behind, does not jump
  EXPECT_EQ(third[0].seat.state, "waitlisted");
  EXPECT_EQ(third[0].seat.rank, 2);
  // A seat of member 1 freed (3 -> 2 seats, same bus): 2 free; the party of 2 boards.
  auto shrunk = answer({{1, "yes bus"}}, "Q", 2);
  EXPECT_EQ(shrunk[0].seat.state, "seated");
  EXPECT_EQ(shrunk[0].seat.bus, 1);
  EXPECT_EQ(notices(), (std::vector<std::pair<std::string, std::string>>{{member(2), "promoted"}}));
  expect_counts_equal_recount();
  EXPECT_EQ(field("est|pickup:Q|seated"), 4);
  EXPECT_EQ(field("est|pickup:Q|waitlisted"), 1);
}

TEST_F(SeatsAllocation, APlainYesKeepsTheSeatAndConfirmsItWhileAYesByWebWithoutBusGivesItUp) {
  redis_.command({"HSET", kBase, "seat_ask_at_ms", std::to_string(clock_ + 1000)});
  answer({{1, "yes bus"}});
  EXPECT_EQ(hash(kBase + ":seat")[0].second.back(), '0');  // taken before the request
  auto again = answer({{1, "yes"}});
  EXPECT_EQ(again[0].status, "same");
  EXPECT_EQ(again[0].seat.state, "seated");
  EXPECT_EQ(hash(kBase + ":seat")[0].second.back(), '1');
  expect_counts_equal_recount();
  // The one-click page's form says the bus explicitly: a yes without it gives the seat up.
  auto by_web = answer({{1, "yes"}}, "P", 1, "web");
  EXPECT_EQ(by_web[0].status, "recorded");
  EXPECT_EQ(by_web[0].seat.state, "");
  EXPECT_EQ(redis_.integer({"HLEN", kBase + ":seat"}), 0);
  expect_counts_equal_recount();
}

TEST_F(SeatsAllocation, AnAddedBusBoardsAsManyAsItSeatsAndShowsTheNewCount) {
  std::vector<std::pair<int, std::string>> batch;
  for (int i = 1; i <= 7; ++i) batch.emplace_back(i, "yes bus");
  answer(batch, "Q");
  EXPECT_EQ(waitlist("Q").size(), 3u);
  auto added = eval(seats::add_bus_script(), seats::add_bus_keys(kAlert),
                    {kAlert, "Q", "1", "Luc", "pickup=Q added=1", std::to_string(++clock_)});
  ASSERT_EQ(added.elements.size(), 3u) << added.str;
  EXPECT_EQ(added.elements[0].str, "ok");
  EXPECT_EQ(added.elements[1].integer, 2);
  EXPECT_EQ(added.elements[2].integer, 3);
  EXPECT_TRUE(waitlist("Q").empty());
  EXPECT_EQ(notices().size(), 3u);
  EXPECT_EQ(field("est|pickup:Q|buses"), 2);
  EXPECT_EQ(redis_.integer({"XLEN", kBase + ":audit"}), 1);
  expect_counts_equal_recount();

  auto refused = eval(seats::add_bus_script(), seats::add_bus_keys(kAlert),
                      {kAlert, "R", "1", "Luc", "", "1"});
  EXPECT_EQ(refused.elements[0].str, "no_buses");
}

TEST_F(SeatsAllocation, UnconfirmedSeatsLapseToTheWaitlistAndTheNextBoardOnce) {
  redis_.command({"HSET", kBase, "seat_ask_at_ms", std::to_string(clock_ + 3)});
  answer({{1, "yes bus"}, {2, "yes bus"}}, "Q", 2);  // both seated, before the request
  answer({{3, "yes bus"}}, "Q", 2);                  // waits
  answer({{1, "yes"}});                              // confirms
  auto lapse = eval(seats::lapse_unconfirmed_script(), seats::lapse_unconfirmed_keys(kAlert),
                    {kAlert, std::to_string(++clock_)});
  ASSERT_EQ(lapse.elements.size(), 2u) << lapse.str;
  EXPECT_EQ(lapse.elements[0].integer, 1);  // member 2
  EXPECT_EQ(lapse.elements[1].integer, 1);  // member 3 boards
  EXPECT_EQ(notices(), (std::vector<std::pair<std::string, std::string>>{
                           {member(3), "promoted"}, {member(2), "lapsed"}}));
  EXPECT_EQ(waitlist("Q"), std::vector<std::string>{member(2)});
  expect_counts_equal_recount();
  // Run again (a retried task): nothing more lapses.
  auto again = eval(seats::lapse_unconfirmed_script(), seats::lapse_unconfirmed_keys(kAlert),
                    {kAlert, std::to_string(++clock_)});
  EXPECT_EQ(again.elements[0].integer, 0);
  EXPECT_TRUE(notices().empty());
}

}  // namespace
}  // namespace tocsin
