// The live turnout of issue 7 through a real redis-server, tocsind and the Twilio-shaped
// server: an SMS blast to a synthetic roster over 17 regions, with landlines (the SMS fails
// and the member's email goes instead), carrier opt-outs, shared phones, receipts and
// replies. What GET /v1/alerts/{id}/turnout answers is compared with counts made here,
// independently, from alert:{id}:delivery, alert:{id}:rsvp, alert:{id}:unknown and the
// roster; a coordinator of one region sees nothing of another and is refused the others'
// breakdown, ride list and unclear replies; the ride list has the right rows and is audited
// without names or phones; /metrics carries the alert's figures.

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>

#include "http/json.h"
#include "members/text_fold.h"
#include "proto/tocsin.pb.h"
#include "tests/support/alert_scenario.h"
#include "tests/support/http_client.h"
#include "tests/support/temp_dir.h"
#include "tests/support/twilio_server.h"
#include "turnout/rsvp_record.h"

namespace tocsin {
namespace {

using namespace std::chrono_literals;
using testing::bearer;
using testing::eventually;
using testing::http_get;

constexpr size_t kMembers = 300;

// Independent of daemon/turnout: the better of a member's two channel states.
int rank_of(const std::string& state) {
  const std::string kind = state.substr(0, state.find(':'));
  static const std::map<std::string, int> ranks = {{"delivered", 6}, {"sent", 5},
                                                   {"failed", 4},    {"expired", 3},
                                                   {"opted_out", 2}, {"skipped", 1}};
  const auto it = ranks.find(kind);
  return it == ranks.end() ? 0 : it->second;
}

std::string kind_of(const std::string& state) {
  return state.substr(0, state.find(':'));
}

struct Expected {
  std::map<std::string, int64_t> measures;  // per measure
};

class TurnoutApi : public ::testing::Test {
 protected:
  static testing::TwilioServerOptions twilio_options() {
    testing::TwilioServerOptions options;
    options.send_status_callbacks = true;
    return options;
  }

  static void SetUpTestSuite() {
    twilio_ = new testing::TwilioServer(twilio_options());
    dir_ = new testing::TempDir();
    scenario_ = new testing::AlertScenario(
        {.gateways = testing::twilio_gateway_config("tw", *twilio_, 1000) +
                     "gateways { name: \"mail\" rate_per_second: 1000 file { channel: \"email\" "
                     "path: \"" +
                     dir_->path().string() + "/email.jsonl\" } }\n"});
    testing::RosterOptions options;
    options.members = kMembers;
    options.shared_phone_every = 37;
    roster_ = new std::vector<testing::RosterMember>(scenario_->import_roster(options));
    auto& redis = scenario_->redis();

    // The region of the coordinator: the one with the most members.
    std::map<std::string, int> sizes;
    for (const auto& m : *roster_) ++sizes[m.region];
    region_ = std::max_element(sizes.begin(), sizes.end(), [](auto& a, auto& b) {
                return a.second < b.second;
              })->first;
    for (const auto& [name, size] : sizes) {
      if (name != region_) other_regions_.insert(name);
    }
    other_ = *other_regions_.begin();

    // Landlines (the SMS fails; members with an email get it instead) and carrier opt-outs,
    // among members of both the coordinator's region and others.
    std::set<std::string> landlines, opted_out;
    for (const auto& m : *roster_) {
      const std::string mobile = redis.text({"HGET", "{roster}:member:" + m.id + ":idx", "mobile"});
      if (mobile.empty()) continue;
      if (landlines.size() < 12 && (landlines.size() % 2 == 0) == (m.region == region_)) {
        landlines.insert(mobile);
      } else if (opted_out.size() < 4 && m.region != region_) {
        opted_out.insert(mobile);
      }
    }
    twilio_->set_landlines(landlines);
    twilio_->set_opted_out(opted_out);
    bad_numbers_ = landlines;
    bad_numbers_.insert(opted_out.begin(), opted_out.end());

    const std::string more =
        R"("carSeats":true,"pickupPoints":[{"id":"HERE","name":"Point du coordonnateur",)"
        R"("region":")" +
        region_ +
        R"(","busCapacity":1},{"id":"THERE","name":"Ailleurs",)"
        R"("region":")" +
        other_ +
        R"(","busCapacity":50}],)"
        R"("targets":[{"dimension":"region","value":")" +
        region_ +
        R"(","target":10},)"
        R"({"dimension":"region","value":")" +
        other_ + R"(","target":5}])";
    const auto alert = scenario_->send_and_wait(
        testing::alert_json("SMS", R"({"sms":"{first_name}: {code} {rsvp_link}"})", "", more));
    id_ = alert.id;
  }

  static void TearDownTestSuite() {
    delete scenario_;
    delete twilio_;
    delete dir_;
    delete roster_;
  }

  // Members who got the SMS on a number that works, by region.
  static std::map<std::string, std::vector<std::pair<std::string, std::string>>>
  phones_by_region() {
    std::map<std::string, std::string> region_of;
    for (const auto& m : *roster_) region_of[m.id] = m.region;
    std::map<std::string, std::vector<std::pair<std::string, std::string>>> out;
    for (const auto& [address, member] : scenario_->recipients(id_)) {
      if (address.starts_with("+") && !bad_numbers_.contains(address)) {
        out[region_of.at(member)].push_back({member, address});
      }
    }
    return out;
  }

  // Replies: in the coordinator's region a yes by bus (2 seats: over the pickup's 1), a yes
  // offering 3 car seats, a no, a maybe, an unclear one; in another region two yes by bus
  // (1 seat, and 2 for a party of 2).
  static void reply_once() {
    static bool done = false;
    if (done) return;
    done = true;
    auto phones = phones_by_region();
    const auto& here = phones.at(region_);
    const auto& there = phones.at(other_);
    ASSERT_GE(here.size(), 5u);
    ASSERT_GE(there.size(), 2u);
    const std::vector<std::pair<std::string, std::string>> replies = {
        {here[0].second, "OUI BUS 2"},  {here[1].second, "OUI AUTO 3"},
        {here[2].second, "NON"},        {here[3].second, "PEUT-ÊTRE"},
        {here[4].second, "c'est où?"},  {there[0].second, "OUI BUS"},
        {there[1].second, "OUI BUS +1"}};  // a seat for each of the party of 2
    int n = 0;
    for (const auto& [from, text] : replies) {
      auto answer = testing::post_twilio_reply(scenario_->daemon().base_url(), "tw", *twilio_, from,
                                               text, "SMtt" + std::to_string(++n));
      ASSERT_EQ(answer.status, 200) << answer.body;
    }
    auto& redis = scenario_->redis();
    ASSERT_TRUE(eventually(
        [&] {
          return redis.integer({"HLEN", "alert:{" + id_ + "}:rsvp"}) == 6 &&
                 redis.integer({"HLEN", "alert:{" + id_ + "}:unknown"}) == 1;
        },
        20s))
        << scenario_->describe(id_);
    // Every receipt the server posted has been applied.
    ASSERT_TRUE(eventually(
        [&] {
          const auto callbacks = twilio_->callbacks();
          return callbacks.size() == 2 * twilio_->accepted() &&
                 std::all_of(callbacks.begin(), callbacks.end(),
                             [](const auto& c) { return c.http_status == 200; });
        },
        30s));
  }

  void SetUp() override { reply_once(); }

  static std::string url(const std::string& path) { return scenario_->daemon().base_url() + path; }

  static std::string coordinator() {
    static std::string token = scenario_->daemon().create_token(
        scenario_->token(),
        R"({"name":"coord","role":"coordinator","regions":[")" + region_ + R"("]})");
    return token;
  }

  static TurnoutResponse turnout(const std::string& token, const std::string& query = "") {
    auto response = http_get(url("/v1/alerts/" + id_ + "/turnout" + query), bearer(token));
    EXPECT_EQ(response.status, 200) << response.body;
    TurnoutResponse turnout;
    std::string error;
    EXPECT_TRUE(http::from_json(response.body, &turnout, &error)) << error << response.body;
    return turnout;
  }

  // Per folded region, the measures counted here from the delivery states, the RSVPs, the
  // unclear replies and the roster.
  static std::map<std::string, Expected> expected_by_region() {
    auto& redis = scenario_->redis();
    std::map<std::string, std::string> region_of;
    std::map<std::string, Expected> out;
    for (const auto& m : *roster_) {
      region_of[m.id] = members::fold(m.region);
      ++out[members::fold(m.region)].measures["targeted"];
    }
    std::map<std::string, std::string> best;  // member -> best state
    const auto delivery = redis.command({"HGETALL", "alert:{" + id_ + "}:delivery"});
    for (size_t i = 0; i + 1 < delivery.elements.size(); i += 2) {
      const std::string& field = delivery.elements[i].str;
      const std::string member = field.substr(0, field.rfind(':'));
      const std::string& state = delivery.elements[i + 1].str;
      if (rank_of(state) > rank_of(best[member])) best[member] = state;
    }
    for (const auto& m : *roster_) {
      // After the alert is sent every member is handled: one with no state had no address.
      const std::string state =
          best.contains(m.id) && rank_of(best[m.id]) > 0 ? kind_of(best[m.id]) : "skipped";
      ++out[region_of[m.id]].measures[state];
    }
    const auto rsvps = redis.command({"HGETALL", "alert:{" + id_ + "}:rsvp"});
    std::set<std::string> answered;
    for (size_t i = 0; i + 1 < rsvps.elements.size(); i += 2) {
      answered.insert(rsvps.elements[i].str);
      const auto record = replies::decode(rsvps.elements[i + 1].str);
      auto& measures = out[region_of[rsvps.elements[i].str]].measures;
      ++measures[record->answer];
      if (record->answer == "yes") {
        measures["coming"] += record->party > 0 ? record->party : 1;
        measures["bus"] += record->bus_seats;
        measures["car"] += record->car_seats;
      }
    }
    for (const auto& member : redis.command({"HKEYS", "alert:{" + id_ + "}:unknown"}).elements) {
      if (!answered.contains(member.str)) ++out[region_of[member.str]].measures["unknown"];
    }
    return out;
  }

  static void expect_counts(const TurnoutCounts& counts, const Expected& expected,
                            const std::string& where) {
    SCOPED_TRACE(where);
    auto get = [&](const char* measure) -> int64_t {
      const auto it = expected.measures.find(measure);
      return it == expected.measures.end() ? 0 : it->second;
    };
    EXPECT_EQ(counts.targeted(), get("targeted"));
    EXPECT_EQ(counts.pending(), 0);
    EXPECT_EQ(counts.sent(), get("sent") + get("delivered"));
    EXPECT_EQ(counts.delivered(), get("delivered"));
    EXPECT_EQ(counts.failed(), get("failed"));
    EXPECT_EQ(counts.opted_out(), get("opted_out"));
    EXPECT_EQ(counts.skipped(), get("skipped"));
    EXPECT_EQ(counts.yes(), get("yes"));
    EXPECT_EQ(counts.no(), get("no"));
    EXPECT_EQ(counts.maybe(), get("maybe"));
    EXPECT_EQ(counts.unknown(), get("unknown"));
    EXPECT_EQ(counts.no_answer(),
              get("targeted") - get("yes") - get("no") - get("maybe") - get("unknown"));
    EXPECT_EQ(counts.coming(), get("coming"));
    EXPECT_EQ(counts.bus_seats(), get("bus"));
    EXPECT_EQ(counts.car_seats(), get("car"));
  }

  static testing::TwilioServer* twilio_;
  static testing::TempDir* dir_;
  static testing::AlertScenario* scenario_;
  static std::vector<testing::RosterMember>* roster_;
  static std::string id_;
  static std::string region_;  // the coordinator's, as the roster writes it
  static std::string other_;   // another region, with a pickup point and a target
  static std::set<std::string> other_regions_;
  static std::set<std::string> bad_numbers_;
};

testing::TwilioServer* TurnoutApi::twilio_ = nullptr;
testing::TempDir* TurnoutApi::dir_ = nullptr;
testing::AlertScenario* TurnoutApi::scenario_ = nullptr;
std::vector<testing::RosterMember>* TurnoutApi::roster_ = nullptr;
std::string TurnoutApi::id_;
std::string TurnoutApi::region_;
std::string TurnoutApi::other_;
std::set<std::string> TurnoutApi::other_regions_;
std::set<std::string> TurnoutApi::bad_numbers_;

TEST_F(TurnoutApi, CountsInRedisEqualTheirRecountFromDeliveryStatesAndRsvps) {
  EXPECT_EQ(scenario_->reach(id_), scenario_->recount_reach(id_));
  size_t unreadable = 0;
  EXPECT_EQ(scenario_->tally(id_), scenario_->recount(id_, &unreadable));
  EXPECT_EQ(unreadable, 0u);
  EXPECT_GT(scenario_->redis().integer({"GET", "alert:{" + id_ + "}:turnout_version"}), 0);
}

TEST_F(TurnoutApi, TotalsAndEveryRegionEqualAnIndependentCount) {
  const auto expected = expected_by_region();
  const auto all = turnout(scenario_->token());
  Expected total;
  for (const auto& [region, e] : expected) {
    for (const auto& [measure, n] : e.measures) total.measures[measure] += n;
  }
  ASSERT_EQ(total.measures["targeted"], static_cast<int64_t>(kMembers));
  ASSERT_GT(total.measures["failed"] + total.measures["opted_out"], 0);
  ASSERT_GT(total.measures["delivered"], 0);
  expect_counts(all.total(), total, "total");
  ASSERT_EQ(all.regions_size(), static_cast<int>(expected.size()));
  for (const auto& region : all.regions()) {
    ASSERT_TRUE(expected.contains(region.key())) << region.key();
    expect_counts(region.counts(), expected.at(region.key()), region.key());
  }
  EXPECT_EQ(all.alert().id(), id_);
  EXPECT_EQ(all.alert().state(), "sent");
  EXPECT_GT(all.updated_at_ms(), 0);
}

TEST_F(TurnoutApi, AMemberWhoseSmsFailedButWhoseEmailWentCountsAsSent) {
  auto& redis = scenario_->redis();
  const auto delivery = redis.command({"HGETALL", "alert:{" + id_ + "}:delivery"});
  std::map<std::string, std::string> states;
  for (size_t i = 0; i + 1 < delivery.elements.size(); i += 2) {
    states[delivery.elements[i].str] = delivery.elements[i + 1].str;
  }
  int fell_back = 0;
  for (const auto& [field, state] : states) {
    if (!field.ends_with(":sms") || !state.starts_with("failed")) continue;
    const std::string member = field.substr(0, field.size() - 4);
    if (states[member + ":email"] != "sent") continue;
    ++fell_back;
  }
  ASSERT_GT(fell_back, 0) << "some landline holders have an email";
  // ... and none of them is counted failed: the failed count is exactly those whose
  // email did not go either.
  int failed_only = 0;
  for (const auto& [field, state] : states) {
    if (!field.ends_with(":sms") || !state.starts_with("failed")) continue;
    const auto email = states.find(field.substr(0, field.size() - 4) + ":email");
    if (email == states.end() || (email->second != "sent" && email->second != "delivered")) {
      ++failed_only;
    }
  }
  EXPECT_EQ(turnout(scenario_->token()).total().failed(), failed_only);
}

TEST_F(TurnoutApi, PickupOverItsCapacityIsFlaggedAndTargetsShowTheirShare) {
  const auto all = turnout(scenario_->token());
  ASSERT_EQ(all.pickups_size(), 2);
  EXPECT_EQ(all.pickups(0).id(), "HERE");
  EXPECT_EQ(all.pickups(0).bus_needed(), 2);
  EXPECT_EQ(all.pickups(0).bus_capacity(), 1);
  EXPECT_TRUE(all.pickups(0).over_capacity());
  EXPECT_EQ(all.pickups(1).id(), "THERE");
  EXPECT_EQ(all.pickups(1).bus_needed(), 3);
  EXPECT_EQ(all.pickups(1).coming(), 3);
  EXPECT_FALSE(all.pickups(1).over_capacity());
  ASSERT_EQ(all.targets_size(), 2);
  EXPECT_EQ(all.targets(0).reached(), 2);
  EXPECT_DOUBLE_EQ(all.targets(0).share(), 0.2);
  EXPECT_EQ(all.targets(1).reached(), 2);
}

TEST_F(TurnoutApi, TheAlertsChannelsSayWhetherTheirGatewaysSendReceipts) {
  // SMS through the Twilio-shaped gateway, which sends delivery receipts.
  const auto all = turnout(scenario_->token());
  ASSERT_EQ(all.alert().channels_size(), 1);
  EXPECT_EQ(all.alert().channels(0).channel(), "sms");
  EXPECT_TRUE(all.alert().channels(0).receipts());
  EXPECT_TRUE(turnout(coordinator()).alert().channels(0).receipts());
}

TEST_F(TurnoutApi, CoordinatorTurnoutHasNothingOfAnotherRegion) {
  auto response = http_get(url("/v1/alerts/" + id_ + "/turnout"), bearer(coordinator()));
  ASSERT_EQ(response.status, 200) << response.body;
  const std::string& json = response.body;
  for (const std::string& other : other_regions_) {
    EXPECT_EQ(json.find("\"" + members::fold(other) + "|"), std::string::npos) << other;
    EXPECT_EQ(json.find("\"" + members::fold(other) + "\""), std::string::npos) << other;
    EXPECT_EQ(json.find("\"" + other + "\""), std::string::npos) << other;
  }
  EXPECT_EQ(json.find("THERE"), std::string::npos) << "another region's pickup point";
  const auto mine = turnout(coordinator());
  ASSERT_EQ(mine.regions_size(), 1);
  EXPECT_EQ(mine.regions(0).key(), members::fold(region_));
  EXPECT_EQ(mine.regions(0).name(), region_);
  for (const auto& [field, value] : mine.fields()) {
    EXPECT_TRUE(field.starts_with(members::fold(region_) + "|")) << field;
  }
  std::set<std::string> my_locals;
  for (const auto& m : *roster_) {
    if (m.region == region_) my_locals.insert(m.local);
  }
  for (const auto& local : mine.locals())
    EXPECT_TRUE(my_locals.contains(local.key())) << local.key();
  ASSERT_EQ(mine.pickups_size(), 1);
  EXPECT_TRUE(mine.pickups(0).over_capacity());
  ASSERT_EQ(mine.targets_size(), 1);
  EXPECT_EQ(mine.targets(0).value(), region_);
  expect_counts(mine.total(), expected_by_region().at(members::fold(region_)), "coordinator");
  // The same, asked by name.
  const auto narrowed = turnout(coordinator(), "?region=" + members::fold(region_));
  EXPECT_EQ(narrowed.total().targeted(), mine.total().targeted());
}

TEST_F(TurnoutApi, CoordinatorIsRefusedAnotherRegionsBreakdownRideListAndUnclearReplies) {
  const std::string other = members::fold(other_);
  for (const std::string& path : {"/turnout?region=" + other, "/rides.csv?region=" + other,
                                  "/replies?status=unknown&region=" + other}) {
    auto response = http_get(url("/v1/alerts/" + id_ + path), bearer(coordinator()));
    EXPECT_EQ(response.status, 403) << path << " " << response.body;
    EXPECT_NE(response.body.find("\"field\":\"region\""), std::string::npos) << response.body;
  }
  // An executive may narrow to any region.
  const auto executive = turnout(scenario_->token(), "?region=" + other);
  ASSERT_EQ(executive.regions_size(), 1);
  EXPECT_EQ(executive.regions(0).key(), other);
  // Their own region's unclear replies are theirs.
  auto own = http_get(
      url("/v1/alerts/" + id_ + "/replies?status=unknown&region=" + members::fold(region_)),
      bearer(coordinator()));
  EXPECT_EQ(own.status, 200) << own.body;
  EXPECT_NE(own.body.find("c'est où?"), std::string::npos) << own.body;
}

TEST_F(TurnoutApi, RideListHasTheRegionsRowsAndIsAuditedWithoutNamesOrPhones) {
  auto response = http_get(url("/v1/alerts/" + id_ + "/rides.csv?region=" + members::fold(region_)),
                           bearer(coordinator()));
  ASSERT_EQ(response.status, 200) << response.body;
  std::istringstream lines(response.body);
  std::vector<std::string> rows;
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    rows.push_back(line);
  }
  ASSERT_EQ(rows.size(), 3u) << response.body;
  EXPECT_EQ(rows[0],
            "kind,pickup_id,pickup_name,member_id,first_name,last_name,phone,seats,party,"
            "answered_at");
  const auto here = phones_by_region().at(region_);
  std::map<std::string, const testing::RosterMember*> by_id;
  for (const auto& m : *roster_) by_id[m.id] = &m;
  const auto& bus = *by_id.at(here[0].first);
  const auto& car = *by_id.at(here[1].first);
  EXPECT_TRUE(
      rows[1].starts_with("bus,HERE,Point du coordonnateur," + bus.id + "," + bus.first_name + ","))
      << rows[1];
  EXPECT_NE(rows[1].find("," + here[0].second + ",2,1,"), std::string::npos) << rows[1];
  EXPECT_TRUE(rows[2].starts_with("car,,," + car.id + "," + car.first_name + ",")) << rows[2];
  EXPECT_NE(rows[2].find("," + here[1].second + ",3,1,"), std::string::npos) << rows[2];

  const auto entries = scenario_->redis().command({"XREVRANGE", "audit", "+", "-", "COUNT", "20"});
  std::string detail;
  for (const auto& entry : entries.elements) {
    const auto& fields = entry.elements[1].elements;
    std::map<std::string, std::string> f;
    for (size_t i = 0; i + 1 < fields.size(); i += 2) f[fields[i].str] = fields[i + 1].str;
    if (f["action"] == "rides.download" && f["subject"] == id_) {
      detail = f["actor"] + " " + f["detail"];
      break;
    }
  }
  ASSERT_FALSE(detail.empty()) << "no rides.download audit entry";
  EXPECT_NE(detail.find("coord region=" + members::fold(region_) + " rows=2"), std::string::npos)
      << detail;
  for (const auto* m : {&bus, &car}) {
    for (const std::string& personal : {m->first_name, m->last_name, m->id}) {
      EXPECT_EQ(detail.find(personal), std::string::npos) << personal;
    }
  }
  for (const auto& [member, phone] : here) EXPECT_EQ(detail.find(phone), std::string::npos);
}

TEST_F(TurnoutApi, RideListNeedsARegion) {
  auto response = http_get(url("/v1/alerts/" + id_ + "/rides.csv"), bearer(scenario_->token()));
  EXPECT_EQ(response.status, 400) << response.body;
}

TEST_F(TurnoutApi, UnknownAlertIs404) {
  auto response = http_get(url("/v1/alerts/zzzzzzzzzzzzzzzzz/turnout"), bearer(scenario_->token()));
  EXPECT_EQ(response.status, 404) << response.body;
}

TEST_F(TurnoutApi, MetricsCarryTheAlertsMembersByStateAndReplies) {
  const auto all = turnout(scenario_->token());
  const auto metrics = http_get(url("/metrics"));
  ASSERT_EQ(metrics.status, 200);
  const std::string label = "{alert=\"" + id_ + "\"";
  for (const auto& [line, value] : std::vector<std::pair<std::string, int>>{
           {"tocsin_alert_members" + label + ",state=\"targeted\"}", all.total().targeted()},
           {"tocsin_alert_members" + label + ",state=\"delivered\"}", all.total().delivered()},
           {"tocsin_alert_members" + label + ",state=\"failed\"}", all.total().failed()},
           {"tocsin_alert_members" + label + ",state=\"pending\"}", 0},
           {"tocsin_alert_replies" + label + ",answer=\"yes\"}", all.total().yes()},
           {"tocsin_alert_replies" + label + ",answer=\"unknown\"}", 1},
           {"tocsin_alert_bus_seats" + label + "}", all.total().bus_seats()}}) {
    EXPECT_NE(metrics.body.find(line + " " + std::to_string(value) + "\n"), std::string::npos)
        << line << " " << value << " in\n"
        << metrics.body;
  }
}

}  // namespace
}  // namespace tocsin
