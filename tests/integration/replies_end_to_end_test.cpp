// Replies end to end (issue 6): a real redis-server and tocsind send an alert through the
// Twilio-shaped server; members then answer through the signed inbound webhook, and the
// reply worker reads each answer, finds the alert and member, and records the RSVP and
// its tally (by region, sector, local and pickup point), keeps unclear replies for a
// coordinator, and opts out who says ARRET. After thousands of changed answers the tally
// still equals a recount of the stored RSVPs.

#include <gtest/gtest.h>

#include <cstdlib>

#include <map>
#include <random>
#include <set>
#include <tuple>

#include "http/json.h"
#include "members/text_fold.h"
#include "proto/tocsin.pb.h"
#include "tests/support/alert_scenario.h"
#include "tests/support/http_client.h"
#include "tests/support/metrics_page.h"
#include "tests/support/twilio_server.h"
#include "turnout/rsvp_record.h"

namespace tocsin {
namespace {

using namespace std::chrono_literals;
using testing::eventually;
using testing::http_request;
using testing::sum_over_regions;

class RepliesEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::RosterOptions roster;
    roster.members = 200;
    members_ = scenario_.import_roster(roster);

    std::string points;  // a pickup point per region, P1, P2...
    for (const auto& member : members_) {
      if (pickup_of_region_.contains(member.region)) continue;
      const std::string id = "P" + std::to_string(pickup_of_region_.size() + 1);
      pickup_of_region_[member.region] = id;
      if (!points.empty()) points += ",";
      points += R"({"id":")" + id + R"(","name":"Arrêt )" + id + R"(","region":")" + member.region +
                R"(","busCapacity":50})";
    }
    std::tie(id_, code_) = send_alert(points);

    std::map<std::string, const testing::RosterMember*> by_id;
    for (const auto& member : members_) by_id[member.id] = &member;
    for (const auto& [number, member] : scenario_.recipients(id_)) {
      numbers_.push_back(number);
      member_of_number_[number] = by_id.at(member);
    }
  }

  // Sends an SMS alert to everyone with these pickup points (JSON objects), and waits
  // until it is sent.
  std::pair<std::string, std::string> send_alert(const std::string& points) {
    const auto alert = scenario_.send_and_wait(
        testing::alert_json("SMS",
                            R"({"sms":"{first_name}, assemblée. OUI {code} ou NON {code}, )"
                            R"(BUS si besoin."})",
                            "", R"("pickupPoints":[)" + points + "]"),
        30s);
    return {alert.id, alert.code};
  }

  // The member texts `text` from `number`, through the signed webhook.
  void reply(const std::string& number, const std::string& text) {
    auto answer = testing::post_twilio_reply(scenario_.daemon().base_url(), "tw", twilio_, number,
                                             text, "SM" + std::to_string(++replies_sent_));
    ASSERT_EQ(answer.status, 200) << answer.body;
  }

  std::map<std::string, int64_t> tally() { return scenario_.tally(id_); }

  std::map<std::string, int64_t> recount() {
    size_t unreadable = 0;
    auto result = scenario_.recount(id_, &unreadable);
    EXPECT_EQ(unreadable, 0u);
    return result;
  }

  std::optional<replies::RsvpRecord> rsvp_of(const std::string& number) {
    const std::string member = member_of_number_.at(number)->id;
    return replies::decode(redis_sync_->text({"HGET", "alert:{" + id_ + "}:rsvp", member}));
  }

  // What the daemon texted `number` besides the alert: its answers to the member.
  std::vector<std::string> texts_to(const std::string& number) {
    std::vector<std::string> texts;
    for (const auto& message : twilio_.messages()) {
      if (message.to == number && message.body.find("assemblée. OUI") == std::string::npos) {
        texts.push_back(message.body);
      }
    }
    return texts;
  }

  int64_t count(const std::string& key) { return redis_sync_->integer({"HLEN", key}); }

  testing::TwilioServer twilio_;
  testing::AlertScenario scenario_{
      {.gateways = testing::twilio_gateway_config("tw", twilio_, 1000)}};
  testing::RedisSync* redis_sync_ = &scenario_.redis();
  std::vector<testing::RosterMember> members_;
  std::map<std::string, std::string> pickup_of_region_;
  std::string id_;
  std::string code_;
  std::vector<std::string> numbers_;
  std::map<std::string, const testing::RosterMember*> member_of_number_;
  int replies_sent_ = 0;
};

TEST_F(RepliesEndToEnd, AnswersAreRecordedWithTransportUnclearOnesKeptAndArretOptsOut) {
  ASSERT_GE(numbers_.size(), 6u);
  const auto& n = numbers_;
  reply(n[0], "Oui BUS");
  reply(n[1], "non");
  reply(n[2], "OUI AUTO 3 " + code_);
  reply(n[3], "peut-être");
  reply(n[4], "c'est où?");
  reply(n[5], "ARRET");
  const std::string rsvp = "alert:{" + id_ + "}:rsvp";
  const std::string unknown = "alert:{" + id_ + "}:unknown";
  ASSERT_TRUE(eventually(
      [&] {
        return count(rsvp) == 4 && count(unknown) == 1 &&
               redis_sync_->integer({"SISMEMBER", "{roster}:optout:sms", n[5]}) == 1;
      },
      10s))
      << scenario_.describe(id_);

  auto first = rsvp_of(n[0]);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->answer, "yes");
  EXPECT_EQ(first->bus_seats, 1);
  EXPECT_EQ(first->pickup, pickup_of_region_.at(member_of_number_.at(n[0])->region));
  EXPECT_EQ(first->source, "sms");
  EXPECT_EQ(rsvp_of(n[1])->answer, "no");
  EXPECT_EQ(rsvp_of(n[2])->car_seats, 3);
  EXPECT_EQ(rsvp_of(n[3])->answer, "maybe");
  EXPECT_EQ(
      redis_sync_->text({"HGET", "alert:{" + id_ + "}:rsvp_text", member_of_number_.at(n[2])->id}),
      "OUI AUTO 3 " + code_);

  auto counts = tally();
  EXPECT_EQ(sum_over_regions(counts, "all|yes"), 2);
  EXPECT_EQ(sum_over_regions(counts, "all|no"), 1);
  EXPECT_EQ(sum_over_regions(counts, "all|maybe"), 1);
  EXPECT_EQ(sum_over_regions(counts, "all|coming"), 2);
  EXPECT_EQ(sum_over_regions(counts, "all|bus"), 1);
  EXPECT_EQ(sum_over_regions(counts, "all|car"), 3);
  EXPECT_EQ(sum_over_regions(counts, "pickup:" + first->pickup + "|bus"), 1);
  EXPECT_EQ(counts[members::fold(member_of_number_.at(n[0])->region) + "|all|yes"],
            first->region == rsvp_of(n[2])->region ? 2 : 1);
  EXPECT_EQ(counts, recount());

  // Each member is told, in French, what was recorded.
  ASSERT_TRUE(eventually([&] { return !texts_to(n[5]).empty(); }, 10s));
  const std::string pickup_name = "Arrêt " + first->pickup;
  ASSERT_EQ(texts_to(n[0]).size(), 1u);
  EXPECT_TRUE(
      texts_to(n[0])[0].starts_with("Merci! Présence confirmée. Autobus: départ " + pickup_name))
      << texts_to(n[0])[0];
  EXPECT_TRUE(texts_to(n[1])[0].starts_with("Merci, c'est noté: absent.")) << texts_to(n[1])[0];
  EXPECT_NE(texts_to(n[2])[0].find("3 places en auto"), std::string::npos) << texts_to(n[2])[0];
  EXPECT_TRUE(texts_to(n[4])[0].starts_with("Désolé, nous n'avons pas compris."));
  EXPECT_TRUE(texts_to(n[5])[0].starts_with("Tu ne recevras plus de SMS"));

  // A later answer replaces the earlier one, and the counts move by the difference; a
  // clear answer after an unclear one settles it.
  reply(n[1], "Oui, nous serons 3");
  reply(n[4], "oui");
  ASSERT_TRUE(eventually([&] { return count(rsvp) == 5 && count(unknown) == 0; }, 10s));
  counts = tally();
  EXPECT_EQ(sum_over_regions(counts, "all|no"), 0);
  EXPECT_EQ(sum_over_regions(counts, "all|yes"), 4);
  EXPECT_EQ(sum_over_regions(counts, "all|coming"), 1 + 3 + 1 + 1);
  EXPECT_EQ(counts, recount());

  // The list of alerts (the console's history) gives the same yes and people coming.
  auto listed =
      testing::http_get(scenario_.daemon().base_url() + "/v1/alerts", {scenario_.authorization()});
  ASSERT_EQ(listed.status, 200) << listed.body;
  AlertListResponse list;
  std::string error;
  ASSERT_TRUE(http::from_json(listed.body, &list, &error)) << error;
  ASSERT_EQ(list.counts_size(), 1);
  EXPECT_EQ(list.counts(0).alert_id(), id_);
  EXPECT_EQ(list.counts(0).yes(), 4);
  EXPECT_EQ(list.counts(0).coming(), 1 + 3 + 1 + 1);
}

TEST_F(RepliesEndToEnd, TallyEqualsARecountAfterThousandsOfChangedAnswers) {
  const std::vector<std::string> answers = {
      "oui",        "Oui BUS",    "OUI BUS 2", "non",   "NON merci",      "peut-être",
      "oui auto 4", "Yes, car 2", "OUI +2",    "maybe", "Non, pas de bus"};
  std::mt19937 random(7);
  std::map<std::string, std::string> last;  // number -> its last answer
  const size_t people = std::min<size_t>(numbers_.size(), 120);
  for (int i = 0; i < 2000; ++i) {
    const std::string& number = numbers_[random() % people];
    const std::string& text = answers[random() % answers.size()];
    reply(number, text);
    last[number] = text;
  }
  ASSERT_TRUE(eventually([&] { return redis_sync_->integer({"XLEN", "q:replies"}) == 0; }, 60s));
  ASSERT_TRUE(eventually(
      [&] { return count("alert:{" + id_ + "}:rsvp") == static_cast<int64_t>(last.size()); }, 10s));
  EXPECT_EQ(tally(), recount());
  // Each member's RSVP is their last answer.
  for (const auto& [number, text] : last) {
    const auto record = rsvp_of(number);
    ASSERT_TRUE(record) << text;
    const std::string folded = members::fold(text);
    const std::string expected = folded.starts_with("non") ? "no"
                                 : folded.starts_with("peut") || folded.starts_with("maybe")
                                     ? "maybe"
                                     : "yes";
    EXPECT_EQ(record->answer, expected) << text;
  }
}

TEST_F(RepliesEndToEnd, AReplyAnswersTheLatestAlertUnlessItQuotesTheCodeOfAnother) {
  const auto [second, second_code] = send_alert("");
  ASSERT_NE(second_code, code_);
  reply(numbers_[0], "oui");           // the latest: the second alert
  reply(numbers_[1], "NON " + code_);  // the first, by its code
  reply(numbers_[2], "oui A99999");    // no open alert has that code: nothing
  reply("+15145559999", "oui");        // not a number any alert went to: nothing
  const std::string first_rsvp = "alert:{" + id_ + "}:rsvp";
  const std::string second_rsvp = "alert:{" + second + "}:rsvp";
  ASSERT_TRUE(eventually([&] { return redis_sync_->integer({"XLEN", "q:replies"}) == 0; }, 10s));
  EXPECT_EQ(
      redis_sync_->text({"HGET", second_rsvp, member_of_number_.at(numbers_[0])->id}).substr(0, 3),
      "yes");
  EXPECT_EQ(
      redis_sync_->text({"HGET", first_rsvp, member_of_number_.at(numbers_[1])->id}).substr(0, 2),
      "no");
  EXPECT_EQ(count(first_rsvp), 1);
  EXPECT_EQ(count(second_rsvp), 1);
  EXPECT_EQ(count("alert:{" + id_ + "}:unknown") + count("alert:{" + second + "}:unknown"), 0);
}

TEST_F(RepliesEndToEnd, AnAnsweringMachineGetsAtMostThreeAutomaticAnswersAnHour) {
  for (int i = 0; i < 8; ++i) reply(numbers_[0], "Message automatique: je suis absent.");
  // Once the queue is empty every reply has been answered or not.
  ASSERT_TRUE(eventually([&] { return redis_sync_->integer({"XLEN", "q:replies"}) == 0; }, 10s));
  const std::string metrics = testing::http_get(scenario_.daemon().base_url() + "/metrics").body;
  EXPECT_NE(metrics.find("\ntocsin_replies_answered_total 3\n"), std::string::npos) << metrics;
  ASSERT_TRUE(eventually([&] { return texts_to(numbers_[0]).size() == 3; }, 10s));
  EXPECT_TRUE(texts_to(numbers_[0])[0].starts_with("Désolé, nous n'avons pas compris."));
}

TEST_F(RepliesEndToEnd, TheWorkersBatchesAndTheirTimeAreInTheMetrics) {
  for (int i = 0; i < 3; ++i) reply(numbers_[i], "OUI");
  ASSERT_TRUE(eventually([&] { return redis_sync_->integer({"XLEN", "q:replies"}) == 0; }, 10s));
  // A batch is counted before its entries leave the queue (with the next read).
  const std::string metrics = testing::http_get(scenario_.daemon().base_url() + "/metrics").body;
  auto figure = [&](const std::string& name) {
    return testing::metric_in(metrics, name).value_or(-1);
  };
  const double batches = figure("tocsin_replies_batches_total");
  EXPECT_GE(batches, 1) << metrics;
  EXPECT_LE(batches, 3) << "one batch or more for three replies";
  EXPECT_GT(figure("tocsin_replies_batch_seconds_total"), 0) << metrics;
}

}  // namespace
}  // namespace tocsin
