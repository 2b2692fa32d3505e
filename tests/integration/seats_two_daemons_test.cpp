// Bus seats end to end (issue 18), the issue's check: two tocsind share one redis-server;
// an SMS alert offers a pickup point with 2 buses of 56 seats; 500 members answer
// "OUI BUS MTL" at once through the signed webhooks of both daemons. Exactly 112 are
// seated and 388 waitlisted, in the order the replies arrived; each is told which (bus or
// rank). Then 30 seated members answer NON: exactly the next 30 on the waitlist board,
// each texted once. Throughout, the seat counts the dashboard shows equal a recount of the
// stored seats (read in one MULTI, so a snapshot, while replies are still being applied).

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <limits>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "seats/seat_record.h"
#include "tests/support/alert_scenario.h"
#include "tests/support/daemon_process.h"
#include "tests/support/http_client.h"
#include "tests/support/synthetic_roster.h"
#include "tests/support/twilio_server.h"
#include "turnout/rsvp_record.h"

namespace tocsin {
namespace {

using namespace std::chrono_literals;
using testing::eventually;

constexpr int kAsking = 500;
constexpr int kSeats = 112;  // 2 buses of 56
constexpr int kNoes = 30;

class SeatsTwoDaemons : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::RosterOptions roster;
    roster.members = 560;
    roster.shared_phone_every = 0;
    scenario_.import_roster(roster);
    testing::DaemonProcess::Options options;
    options.redis_url = scenario_.redis_url();
    options.extra_config = testing::twilio_gateway_config("tw", twilio_, 2000) +
                           "dispatch { consumer_name: \"seats-second\" }\n";
    second_ = std::make_unique<testing::DaemonProcess>(options);

    const auto alert = scenario_.send_and_wait(
        testing::alert_json("SMS", R"({"sms":"{first_name}, assemblée. OUI {code} BUS MTL."})",
                            R"({"sms":"{first_name}, assembly. YES {code} BUS MTL."})",
                            R"("pickupPoints":[{"id":"MTL","name":"Terminus Longueuil",)"
                            R"("region":"Montréal","buses":2,"seatsPerBus":56}])"),
        60s);
    id_ = alert.id;
    base_ = "alert:{" + id_ + "}";
    for (const auto& [number, member] : scenario_.recipients(id_)) {
      numbers_.push_back(number);
      member_of_[number] = member;
    }
    ASSERT_GE(numbers_.size(), static_cast<size_t>(kAsking));
  }

  static int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  // Posts `text` from each number, half through each daemon, from two threads at once, and
  // notes when each post was answered: the daemon answers 200 once the reply is stored.
  void answer_all(const std::vector<std::string>& numbers, const std::string& text) {
    std::atomic<int> failures = 0;
    std::atomic<int> finished = 0;
    std::mutex stored_mutex;
    auto post = [&](const std::string& url, size_t first) {
      for (size_t i = first; i < numbers.size(); i += 2) {
        auto answer = testing::post_twilio_reply(url, "tw", twilio_, numbers[i], text,
                                                 "SM" + std::to_string(++sid_));
        const int64_t answered = now_ms();
        if (answer.status != 200) ++failures;
        const std::lock_guard lock(stored_mutex);
        stored_by_ms_[member_of_.at(numbers[i])] = answered;
      }
      ++finished;
    };
    std::thread a(post, scenario_.daemon().base_url(), 0);
    std::thread b(post, second_->base_url(), 1);
    // Meanwhile the counts always equal a recount of the seats, whatever is half applied.
    while (finished.load() < 2) check_counts_equal_recount();
    a.join();
    b.join();
    EXPECT_EQ(failures.load(), 0);
  }

  std::map<std::string, std::string> hash_of(const redis::Reply& reply) {
    std::map<std::string, std::string> out;
    for (size_t i = 0; i + 1 < reply.elements.size(); i += 2) {
      out[reply.elements[i].str] = reply.elements[i + 1].str;
    }
    return out;
  }

  // One snapshot of seats, waiting places, places and counts (MULTI/EXEC), compared.
  void check_counts_equal_recount() {
    auto& redis = scenario_.redis();
    redis.command({"MULTI"});
    for (const char* suffix : {":seat", ":waiting", ":dims", ":day", ":load"}) {
      redis.command({"HGETALL", base_ + suffix});
    }
    const auto snapshot = redis.command({"EXEC"});
    ASSERT_EQ(snapshot.elements.size(), 5u);
    const auto seats = hash_of(snapshot.elements[0]);
    const auto waiting = hash_of(snapshot.elements[1]);
    const auto places = hash_of(snapshot.elements[2]);
    size_t unreadable = 0;
    const auto recounted = seats::recount({seats.begin(), seats.end()},
                                          {waiting.begin(), waiting.end()}, places, &unreadable);
    EXPECT_EQ(unreadable, 0u);
    std::map<std::string, int64_t> day, load;
    for (const auto& [field, value] : hash_of(snapshot.elements[3])) {
      if (field.ends_with("|seated") || field.ends_with("|waitlisted"))
        day[field] = std::stoll(value);
    }
    for (const auto& [field, value] : hash_of(snapshot.elements[4]))
      load[field] = std::stoll(value);
    EXPECT_EQ(day, recounted.day);
    EXPECT_EQ(load, recounted.load);
    ++snapshots_;
  }

  int64_t hlen(const std::string& suffix) {
    return scenario_.redis().integer({"HLEN", base_ + suffix});
  }

  int64_t answered_at(const std::string& member) {
    auto record = replies::decode(scenario_.redis().text({"HGET", base_ + ":rsvp", member}));
    return record ? record->at_ms : 0;
  }

  // Texts to `number` that say `words`.
  int texts_saying(const std::string& number, const std::vector<std::string>& words) {
    int found = 0;
    for (const auto& message : twilio_.messages()) {
      if (message.to != number) continue;
      for (const auto& word : words) {
        if (message.body.find(word) != std::string::npos) {
          ++found;
          break;
        }
      }
    }
    return found;
  }

  testing::TwilioServer twilio_;
  testing::AlertScenario scenario_{
      {.gateways = testing::twilio_gateway_config("tw", twilio_, 2000),
       .extra_config = "dispatch { consumer_name: \"seats-first\" }\n"}};
  std::unique_ptr<testing::DaemonProcess> second_;
  std::string id_, base_;
  std::vector<std::string> numbers_;
  std::map<std::string, std::string> member_of_;
  std::map<std::string, int64_t> stored_by_ms_;  // member -> when their last post was answered
  std::atomic<int> sid_ = 0;
  int snapshots_ = 0;
};

TEST_F(SeatsTwoDaemons, FiveHundredAtOnceSeatTheFirst112AndThirtyNoesBoardTheNextThirtyOnce) {
  const std::vector<std::string> asking(numbers_.begin(), numbers_.begin() + kAsking);
  answer_all(asking, "OUI BUS MTL");
  ASSERT_TRUE(eventually([&] { return hlen(":seat") + hlen(":waiting") == kAsking; }, 30s))
      << hlen(":seat") << " seated, " << hlen(":waiting") << " waiting";
  check_counts_equal_recount();
  EXPECT_EQ(hlen(":seat"), kSeats);
  EXPECT_EQ(hlen(":waiting"), kAsking - kSeats);

  // Arrival order: the order replies were stored in the replies queue, which both daemons
  // read. A reply is stamped (its answered-at time) when its daemon takes the webhook, then
  // stored, then the post is answered; so one reply was surely stored after another when it
  // was stamped after the other's post was answered. No such pair may be out of order:
  // nobody seated was stored after anybody waiting, and no one waiting is ranked ahead of
  // someone stored before them. Replies whose stores overlapped may be in either order.
  int64_t last_seated = 0;
  for (const auto& [member, seat] :
       hash_of(scenario_.redis().command({"HGETALL", base_ + ":seat"}))) {
    last_seated = std::max(last_seated, answered_at(member));
  }
  auto waitlist = scenario_.redis().command({"ZRANGE", base_ + ":wait:MTL", "0", "-1"});
  ASSERT_EQ(waitlist.elements.size(), static_cast<size_t>(kAsking - kSeats));
  for (const auto& entry : waitlist.elements) {
    EXPECT_LE(last_seated, stored_by_ms_.at(entry.str))
        << entry.str << " waits, yet someone seated was stamped after their post was answered";
  }
  // From the back of the waitlist: the earliest answer to a post among those ranked after.
  int out_of_order = 0;
  int64_t earliest_stored_after = std::numeric_limits<int64_t>::max();
  for (auto entry = waitlist.elements.rbegin(); entry != waitlist.elements.rend(); ++entry) {
    if (answered_at(entry->str) > earliest_stored_after) ++out_of_order;
    earliest_stored_after = std::min(earliest_stored_after, stored_by_ms_.at(entry->str));
  }
  EXPECT_EQ(out_of_order, 0);

  // Each was told: a bus, or a rank.
  std::map<std::string, std::string> number_of;
  for (const auto& [number, member] : member_of_) number_of[member] = number;
  ASSERT_TRUE(eventually(
      [&] {
        for (const auto& number : asking) {
          if (texts_saying(number, {"autobus", "bus", "rang", "number"}) == 0) return false;
        }
        return true;
      },
      30s));
  const std::string first_waiting = number_of.at(waitlist.elements[0].str);
  EXPECT_EQ(texts_saying(first_waiting, {"rang 1 ", "number 1 "}), 1);

  // 30 seated members say NON; the first 30 waiting board, each told once.
  std::vector<std::string> leaving;
  for (const auto& [member, seat] :
       hash_of(scenario_.redis().command({"HGETALL", base_ + ":seat"}))) {
    if (leaving.size() < static_cast<size_t>(kNoes)) leaving.push_back(number_of.at(member));
  }
  answer_all(leaving, "NON");
  ASSERT_TRUE(eventually([&] { return hlen(":waiting") == kAsking - kSeats - kNoes; }, 30s));
  check_counts_equal_recount();
  EXPECT_EQ(hlen(":seat"), kSeats);
  const std::vector<std::string> boarding_words{"Une place s'est libérée", "A seat opened up"};
  for (int i = 0; i < kNoes; ++i) {
    const std::string& member = waitlist.elements[i].str;
    EXPECT_FALSE(scenario_.redis().text({"HGET", base_ + ":seat", member}).empty()) << member;
    EXPECT_TRUE(
        eventually([&] { return texts_saying(number_of.at(member), boarding_words) >= 1; }, 20s))
        << member;
  }
  // Nobody else was told a seat opened, and nobody twice (the notifier of each daemon
  // reads one consumer group).
  int boarded_texts = 0;
  for (const auto& number : asking) boarded_texts += texts_saying(number, boarding_words);
  EXPECT_EQ(boarded_texts, kNoes);
  EXPECT_EQ(scenario_.redis().text({"HGET", base_ + ":seat", waitlist.elements[kNoes].str}), "");
  EXPECT_GT(snapshots_, 2);
}

}  // namespace
}  // namespace tocsin
