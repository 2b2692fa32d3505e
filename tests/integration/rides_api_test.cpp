// Rides and manifests of issue 18 through a real redis-server, tocsind and the Twilio-shaped
// server: members answer by SMS (a driver OUI AUTO 3, two riders OUI BUS from a pickup point
// no bus runs from), the console's proposal matches them, and only once a coordinator of
// their region confirms do the driver and the riders get each other's first name and mobile
// by SMS; a coordinator of another region can neither see nor match them (403); an undo is
// audited and tells them it is off. A pickup point's manifest goes to its region's
// coordinator as CSV, audited; another region's coordinator gets 403. Seats are given by the
// allocation, through real OUI BUS LON replies (two buses of one seat): a member it
// waitlists needs a ride, one it seats does not.

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "http/json.h"
#include "proto/rides.pb.h"
#include "tests/support/alert_scenario.h"
#include "tests/support/http_client.h"
#include "tests/support/twilio_server.h"

namespace tocsin {
namespace {

using namespace std::chrono_literals;
using testing::bearer;
using testing::eventually;
using testing::http_get;
using testing::http_request;

struct Person {
  std::string id;
  std::string first_name;
  std::string last_name;
  std::string mobile;
};

class RidesApi : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    twilio_ = new testing::TwilioServer();
    scenario_ = new testing::AlertScenario(
        {.gateways = testing::twilio_gateway_config("tw", *twilio_, 1000)});
    testing::RosterOptions options;
    options.members = 200;
    roster_ = new std::vector<testing::RosterMember>(scenario_->import_roster(options));
    std::map<std::string, int> sizes;
    for (const auto& m : *roster_) {
      if (!m.phone.empty()) ++sizes[m.region];
    }
    region_ = std::max_element(sizes.begin(), sizes.end(), [](auto& a, auto& b) {
                return a.second < b.second;
              })->first;
    for (const auto& [name, size] : sizes) {
      if (name != region_) other_ = name;
    }
  }

  static void TearDownTestSuite() {
    delete scenario_;
    delete twilio_;
    delete roster_;
  }

  static std::string url(const std::string& path) { return scenario_->daemon().base_url() + path; }

  static std::string token_of(const std::string& name, const std::string& region) {
    return scenario_->daemon().create_token(
        scenario_->token(),
        R"({"name":")" + name + R"(","role":"coordinator","regions":[")" + region + R"("]})");
  }

  // Sends an alert with a pickup point of the coordinator's region no bus runs from (VIL,
  // the region's first: where a yes by bus without a pickup goes), one with two buses
  // (LON), and one of another region; returns people of the region who got it, with the
  // mobile the alert went to.
  void send_alert() {
    const std::string more =
        R"("carSeats":true,"pickupPoints":[)"
        R"({"id":"VIL","name":"Village","region":")" +
        region_ + R"("},)" + R"({"id":"LON","name":"Terminus Longueuil, quai 12","region":")" +
        region_ + R"(","buses":2,"seatsPerBus":1},)" +
        R"({"id":"THERE","name":"Ailleurs","region":")" + other_ + R"(","busCapacity":50}])";
    const auto alert = scenario_->send_and_wait(
        testing::alert_json("SMS", R"({"sms":"{first_name}: {code} {rsvp_link}"})", "", more));
    id_ = alert.id;
    code_ = alert.code;
    std::map<std::string, const testing::RosterMember*> by_id;
    for (const auto& m : *roster_) by_id[m.id] = &m;
    for (const auto& [address, member] : scenario_->recipients(id_)) {
      const auto* m = by_id.at(member);
      if (!address.starts_with("+")) continue;
      Person person{m->id, m->first_name, m->last_name, address};
      (m->region == region_ ? here_ : there_).push_back(person);
    }
    ASSERT_GE(here_.size(), 10u);  // each test its own people: no SMS of one test counts in another
    ASSERT_GE(there_.size(), 1u);
  }

  void reply(const std::vector<std::pair<Person, std::string>>& replies) {
    const size_t before = scenario_->redis().integer({"HLEN", "alert:{" + id_ + "}:rsvp"});
    for (const auto& [person, text] : replies) {
      auto answer = testing::post_twilio_reply(scenario_->daemon().base_url(), "tw", *twilio_,
                                               person.mobile, text, "SMr" + std::to_string(++sid_));
      ASSERT_EQ(answer.status, 200) << answer.body;
    }
    ASSERT_TRUE(eventually(
        [&] {
          return static_cast<size_t>(scenario_->redis().integer(
                     {"HLEN", "alert:{" + id_ + "}:rsvp"})) == before + replies.size();
        },
        20s))
        << scenario_->describe(id_);
  }

  // Messages the Twilio-shaped server accepted for `to` that mention `text`.
  static size_t messages_to(const std::string& to, const std::string& text) {
    size_t n = 0;
    for (const auto& message : twilio_->messages()) {
      n += message.to == to && message.body.find(text) != std::string::npos;
    }
    return n;
  }

  std::vector<std::string> audit_actions(const std::string& key) {
    std::vector<std::string> actions;
    const auto entries = scenario_->redis().command({"XRANGE", key, "-", "+"});
    for (const auto& entry : entries.elements) {
      const auto& fields = entry.elements[1].elements;
      for (size_t i = 0; i + 1 < fields.size(); i += 2) {
        if (fields[i].str == "action" && fields[i + 1].str.rfind("ride", 0) == 0) {
          actions.push_back(fields[i + 1].str);
        }
        if (fields[i].str == "action" && fields[i + 1].str.rfind("manifest", 0) == 0) {
          actions.push_back(fields[i + 1].str);
        }
      }
    }
    return actions;
  }

  RidesResponse rides(const std::string& token, const std::string& query = "") {
    auto response = http_get(url("/v1/alerts/" + id_ + "/rides" + query), bearer(token));
    EXPECT_EQ(response.status, 200) << response.body;
    RidesResponse answer;
    std::string error;
    EXPECT_TRUE(http::from_json(response.body, &answer, &error)) << error << response.body;
    return answer;
  }

  static testing::TwilioServer* twilio_;
  static testing::AlertScenario* scenario_;
  static std::vector<testing::RosterMember>* roster_;
  static std::string region_, other_;
  static int sid_;
  std::string id_, code_;
  std::vector<Person> here_, there_;
};

testing::TwilioServer* RidesApi::twilio_ = nullptr;
testing::AlertScenario* RidesApi::scenario_ = nullptr;
std::vector<testing::RosterMember>* RidesApi::roster_ = nullptr;
std::string RidesApi::region_, RidesApi::other_;
int RidesApi::sid_ = 0;

TEST_F(RidesApi, ADriverAndTwoRidersAreToldEachOtherOnlyOnceConfirmed) {
  ASSERT_NO_FATAL_FAILURE(send_alert());
  const Person driver = here_[0], rider1 = here_[1], rider2 = here_[2];
  ASSERT_NO_FATAL_FAILURE(
      reply({{driver, "OUI AUTO 3"}, {rider1, "OUI BUS"}, {rider2, "OUI BUS +1"}}));
  const std::string coordinator = token_of("coord-here", region_);

  // Proposed: the driver with both riders (3 seats: 1, and 2 for a party of 2).
  const auto before = rides(coordinator);
  ASSERT_EQ(before.drivers_size(), 1) << before.DebugString();
  EXPECT_EQ(before.drivers(0).member_id(), driver.id);
  EXPECT_EQ(before.drivers(0).first_name(), driver.first_name);
  ASSERT_EQ(before.riders_size(), 2);
  EXPECT_EQ(before.riders(0).need(), "no_bus");
  ASSERT_EQ(before.proposals_size(), 1);
  EXPECT_EQ(before.proposals(0).driver(), driver.id);
  EXPECT_EQ(std::set<std::string>(before.proposals(0).riders().begin(),
                                  before.proposals(0).riders().end()),
            (std::set<std::string>{rider1.id, rider2.id}));
  EXPECT_EQ(before.proposals(0).seats(), 3);

  // Nothing was sent of anyone's mobile before the confirmation: the replies' own
  // confirmations have reached the members, and none carries another's number.
  ASSERT_TRUE(eventually([&] { return messages_to(rider2.mobile, "") >= 2; }, 10s));
  EXPECT_EQ(messages_to(driver.mobile, rider1.mobile), 0u);
  EXPECT_EQ(messages_to(driver.mobile, rider2.mobile), 0u);
  EXPECT_EQ(messages_to(rider1.mobile, driver.mobile), 0u);
  EXPECT_EQ(messages_to(rider2.mobile, driver.mobile), 0u);
  EXPECT_TRUE(audit_actions("alert:{" + id_ + "}:audit") == std::vector<std::string>{"rides.view"});

  const std::string body = R"({"driver":")" + driver.id + R"(","riders":[")" + rider1.id +
                           R"(",")" + rider2.id + R"("]})";
  auto confirmed =
      http_request("POST", url("/v1/alerts/" + id_ + "/rides"), body, bearer(coordinator));
  ASSERT_EQ(confirmed.status, 200) << confirmed.body;
  RideMatchResponse match;
  std::string error;
  ASSERT_TRUE(http::from_json(confirmed.body, &match, &error)) << error << confirmed.body;
  EXPECT_EQ(match.match().id(), "R1");
  EXPECT_EQ(match.sms_sent(), 3);

  // The driver gets both riders' first names and mobiles; each rider the driver's.
  ASSERT_TRUE(eventually(
      [&] {
        return messages_to(driver.mobile, rider1.first_name + " " + rider1.mobile) == 1 &&
               messages_to(driver.mobile, rider2.first_name + " " + rider2.mobile) == 1 &&
               messages_to(rider1.mobile, driver.first_name + " " + driver.mobile) == 1 &&
               messages_to(rider2.mobile, driver.first_name + " " + driver.mobile) == 1;
      },
      10s));
  EXPECT_EQ(audit_actions("audit").back(), "ride.confirm");
  EXPECT_EQ(audit_actions("alert:{" + id_ + "}:audit").back(), "ride.confirm");

  // Matched: no longer a rider, and no second match with them.
  const auto after = rides(coordinator);
  EXPECT_EQ(after.riders_size(), 0);
  EXPECT_EQ(after.proposals_size(), 0);
  ASSERT_EQ(after.matches_size(), 1);
  EXPECT_EQ(after.drivers(0).seats_left(), 0);
  auto again = http_request("POST", url("/v1/alerts/" + id_ + "/rides"), body, bearer(coordinator));
  EXPECT_EQ(again.status, 409) << again.body;
}

TEST_F(RidesApi, ACoordinatorOfAnotherRegionCanNeitherSeeNorMatchNorUndo) {
  ASSERT_NO_FATAL_FAILURE(send_alert());
  const Person driver = here_[3], rider = here_[4];
  ASSERT_NO_FATAL_FAILURE(reply({{driver, "OUI AUTO 2"}, {rider, "OUI BUS"}}));
  const std::string outsider = token_of("coord-there", other_);
  const std::string coordinator = token_of("coord-here2", region_);

  auto seen = http_get(url("/v1/alerts/" + id_ + "/rides?region=" + region_), bearer(outsider));
  EXPECT_EQ(seen.status, 403) << seen.body;
  EXPECT_EQ(seen.body.find(driver.id), std::string::npos);
  // Without a region: their own region only, nothing of the driver or rider.
  auto own = http_get(url("/v1/alerts/" + id_ + "/rides"), bearer(outsider));
  ASSERT_EQ(own.status, 200) << own.body;
  EXPECT_EQ(own.body.find(driver.id), std::string::npos) << own.body;
  EXPECT_EQ(own.body.find(rider.id), std::string::npos) << own.body;

  const std::string body = R"({"driver":")" + driver.id + R"(","riders":[")" + rider.id + R"("]})";
  auto matched = http_request("POST", url("/v1/alerts/" + id_ + "/rides"), body, bearer(outsider));
  EXPECT_EQ(matched.status, 403) << matched.body;
  EXPECT_EQ(scenario_->redis().integer({"HLEN", "alert:{" + id_ + "}:rides"}), 0);
  EXPECT_EQ(messages_to(driver.mobile, rider.mobile), 0u);

  auto confirmed =
      http_request("POST", url("/v1/alerts/" + id_ + "/rides"), body, bearer(coordinator));
  ASSERT_EQ(confirmed.status, 200) << confirmed.body;
  auto undone =
      http_request("POST", url("/v1/alerts/" + id_ + "/rides/R1:undo"), "", bearer(outsider));
  EXPECT_EQ(undone.status, 403) << undone.body;
  EXPECT_EQ(scenario_->redis().integer({"HLEN", "alert:{" + id_ + "}:rides"}), 1);
}

TEST_F(RidesApi, AnUndoIsAuditedAndTellsThemItIsOff) {
  ASSERT_NO_FATAL_FAILURE(send_alert());
  const Person driver = here_[5], rider = here_[6];
  ASSERT_NO_FATAL_FAILURE(reply({{driver, "YES CAR 2"}, {rider, "OUI BUS"}}));
  const std::string coordinator = token_of("coord-undo", region_);
  const std::string body = R"({"driver":")" + driver.id + R"(","riders":[")" + rider.id + R"("]})";
  auto confirmed =
      http_request("POST", url("/v1/alerts/" + id_ + "/rides"), body, bearer(coordinator));
  ASSERT_EQ(confirmed.status, 200) << confirmed.body;
  auto undone =
      http_request("POST", url("/v1/alerts/" + id_ + "/rides/R1:undo"), "", bearer(coordinator));
  ASSERT_EQ(undone.status, 200) << undone.body;
  EXPECT_EQ(audit_actions("alert:{" + id_ + "}:audit").back(), "ride.undo");
  EXPECT_EQ(audit_actions("audit").back(), "ride.undo");
  ASSERT_TRUE(eventually(
      [&] {
        return messages_to(driver.mobile, rider.first_name) >= 2 &&  // confirmed, then off
               messages_to(rider.mobile, "Tocsin " + code_ + " : la coordination a annulé") +
                       messages_to(rider.mobile,
                                   "Tocsin " + code_ + ": your coordinator cancelled") ==
                   1;
      },
      10s));
  // The rider needs a ride again, and the driver has their seats back.
  const auto after = rides(coordinator);
  EXPECT_EQ(after.matches_size(), 0);
  ASSERT_EQ(after.riders_size(), 1);
  EXPECT_EQ(after.drivers(0).seats_left(), 2);
  auto twice =
      http_request("POST", url("/v1/alerts/" + id_ + "/rides/R1:undo"), "", bearer(coordinator));
  EXPECT_EQ(twice.status, 404) << twice.body;
}

TEST_F(RidesApi, AWaitlistedMemberNeedsARideAndASeatedOneDoesNot) {
  ASSERT_NO_FATAL_FAILURE(send_alert());
  // LON has two buses of one seat: the first two get a seat each, the third waits.
  for (size_t i = 7; i < 10; ++i) ASSERT_NO_FATAL_FAILURE(reply({{here_[i], "OUI BUS LON"}}));
  auto& redis = scenario_->redis();
  EXPECT_EQ(redis.integer({"HLEN", "alert:{" + id_ + "}:seat"}), 2);
  ASSERT_EQ(redis.integer({"HEXISTS", "alert:{" + id_ + "}:waiting", here_[9].id}), 1);
  const auto answer = rides(token_of("coord-waiting", region_));
  ASSERT_EQ(answer.riders_size(), 1) << answer.DebugString();
  EXPECT_EQ(answer.riders(0).member_id(), here_[9].id);
  EXPECT_EQ(answer.riders(0).need(), "waitlisted");
  EXPECT_EQ(answer.riders(0).pickup(), "LON");
}

TEST_F(RidesApi, AManifestGoesToItsRegionsCoordinatorAsCsvAudited) {
  ASSERT_NO_FATAL_FAILURE(send_alert());
  // Seated through real replies (LON: two buses of one seat), one checked in (written here:
  // the check-in is another part's).
  ASSERT_NO_FATAL_FAILURE(reply({{here_[7], "OUI BUS LON"}}));
  ASSERT_NO_FATAL_FAILURE(reply({{here_[8], "OUI BUS LON"}}));
  ASSERT_NO_FATAL_FAILURE(reply({{here_[2], "OUI BUS"}}));  // VIL: no seat, not on LON's
  auto& redis = scenario_->redis();
  ASSERT_EQ(redis.text({"HGET", "alert:{" + id_ + "}:seat", here_[7].id}).substr(0, 5),
            "LON\x1f"
            "1");
  ASSERT_EQ(redis.text({"HGET", "alert:{" + id_ + "}:seat", here_[8].id}).substr(0, 5),
            "LON\x1f"
            "2");
  redis.command({"HSET", "alert:{" + id_ + "}:present", here_[7].id,
                 "1700000000000\x1fscan\x1f"
                 "coord"});
  const std::string coordinator = token_of("coord-manifest", region_);
  const std::string outsider = token_of("coord-manifest-there", other_);

  auto csv = http_get(url("/v1/alerts/" + id_ + "/manifest.csv?pickup=LON"), bearer(coordinator));
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_EQ(csv.header("Content-Type"), "text/csv; charset=utf-8");
  EXPECT_NE(csv.header("Content-Disposition").find("manifest-" + code_ + "-LON.csv"),
            std::string::npos);
  EXPECT_EQ(csv.body.rfind("bus,member_id,last_name,first_name,mobile,", 0), 0u) << csv.body;
  EXPECT_NE(csv.body.find("1," + here_[7].id + ","), std::string::npos) << csv.body;
  EXPECT_NE(csv.body.find(here_[7].mobile + ",LON,"), std::string::npos) << csv.body;
  EXPECT_NE(csv.body.find(",yes,yes\r\n"), std::string::npos) << "confirmed and present";
  EXPECT_NE(csv.body.find("2," + here_[8].id + ","), std::string::npos) << csv.body;
  EXPECT_EQ(csv.body.find(here_[2].id), std::string::npos) << "VIL's seat is not on LON's";

  auto bus2 =
      http_get(url("/v1/alerts/" + id_ + "/manifest.csv?pickup=LON&bus=2"), bearer(coordinator));
  ASSERT_EQ(bus2.status, 200);
  EXPECT_EQ(bus2.body.find(here_[7].id), std::string::npos);
  EXPECT_EQ(audit_actions("audit").back(), "manifest.download");
  EXPECT_EQ(audit_actions("alert:{" + id_ + "}:audit"),
            (std::vector<std::string>{"manifest.download", "manifest.download"}));

  auto refused = http_get(url("/v1/alerts/" + id_ + "/manifest.csv?pickup=LON"), bearer(outsider));
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_EQ(refused.body.find(here_[7].id), std::string::npos);
  auto json = http_get(url("/v1/alerts/" + id_ + "/manifest?pickup=LON"), bearer(outsider));
  EXPECT_EQ(json.status, 403);
  EXPECT_EQ(audit_actions("alert:{" + id_ + "}:audit").size(), 2u) << "a refusal is not a manifest";

  auto view = http_get(url("/v1/alerts/" + id_ + "/manifest?pickup=LON"), bearer(coordinator));
  ASSERT_EQ(view.status, 200) << view.body;
  ManifestResponse manifest;
  std::string error;
  ASSERT_TRUE(http::from_json(view.body, &manifest, &error)) << error << view.body;
  ASSERT_EQ(manifest.buses_size(), 2);
  ASSERT_EQ(manifest.buses(0).riders_size(), 1);
  EXPECT_EQ(manifest.buses(0).riders(0).last_name(), here_[7].last_name);
  EXPECT_TRUE(manifest.buses(0).riders(0).present());
  EXPECT_EQ(audit_actions("audit").back(), "manifest.view");
  auto unknown = http_get(url("/v1/alerts/" + id_ + "/manifest?pickup=NOPE"), bearer(coordinator));
  EXPECT_EQ(unknown.status, 404);
}

}  // namespace
}  // namespace tocsin
