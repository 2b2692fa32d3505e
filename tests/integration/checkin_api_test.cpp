// Check-in at the door through a real redis-server, tocsind and the Twilio-shaped server:
// an alert with an event in two hours is sent to a roster; members answer yes by SMS. The
// QR code on a member's one-click page and the short code of their yes confirmation check
// them in through POST /v1/alerts/{id}/checkins; a second scan says already checked in;
// a forged code, a code of another alert, an unknown code and a member of another region
// (403) are refused with nothing changed; the name search finds yes members of the
// coordinator's regions only; PRÉSENT <code> through the inbound webhook is counted as
// self-reported, and a scan after it counts the member present instead. The region's target
// (3 yes) and quorum (2 present) are milestones on the event stream, each once, and
// `tocsin watch` prints the quorum's as it happens.

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <regex>

#include "checkin/checkin_code.h"
#include "http/json.h"
#include "members/text_fold.h"
#include "proto/checkin.pb.h"
#include "tests/support/alert_scenario.h"
#include "tests/support/http_client.h"
#include "tests/support/subprocess.h"
#include "tests/support/twilio_server.h"

namespace tocsin {
namespace {

using namespace std::chrono_literals;
using testing::bearer;
using testing::eventually;
using testing::http_get;
using testing::http_request;

// RFC 3339 in UTC, `from_now` away.
std::string utc_in(std::chrono::seconds from_now) {
  const std::time_t at = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() + from_now);
  std::tm tm{};
  gmtime_r(&at, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S+00:00", &tm);
  return text;
}

class CheckinApi : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    twilio_ = new testing::TwilioServer();
    scenario_ = new testing::AlertScenario(
        {.gateways = testing::twilio_gateway_config("tw", *twilio_, 1000)});
    testing::RosterOptions options;
    options.members = 120;
    options.shared_phone_every = 0;
    roster_ = new std::vector<testing::RosterMember>(scenario_->import_roster(options));
    std::map<std::string, int> sizes;
    for (const auto& m : *roster_) ++sizes[m.region];
    region_ = std::max_element(sizes.begin(), sizes.end(), [](auto& a, auto& b) {
                return a.second < b.second;
              })->first;
    for (const auto& m : *roster_) (m.region == region_ ? mine_ : others_).push_back(m);
    ASSERT_GE(mine_.size(), 6u);

    std::string json = testing::alert_json(
        "SMS", R"({"sms":"{first_name}: {code} {rsvp_link}"})", "",
        R"("pickupPoints":[{"id":"GARE","name":"Gare","region":")" + region_ +
            R"(","busCapacity":50}],"targets":[{"dimension":"region","value":")" + region_ +
            R"(","target":3,"quorum":2}])");
    // The event in two hours: a PRÉSENT is a check-in from twelve hours before it.
    json = std::regex_replace(json, std::regex(R"("eventTime":"[^"]*")"),
                              R"("eventTime":")" + utc_in(2h) + "\"");
    json = std::regex_replace(json, std::regex(R"("expiresAt":"[^"]*")"),
                              R"("expiresAt":")" + utc_in(90min) + "\"");
    const auto alert = scenario_->send_and_wait(json);
    id_ = alert.id;
    code_ = alert.code;

    // Yes from three members of the region (the first by bus), one of another region.
    const std::vector<std::pair<const testing::RosterMember*, std::string>> replies = {
        {&mine_[0], "OUI BUS " + code_}, {&mine_[1], "OUI " + code_}, {&mine_[2], "OUI"},
        {&others_[0], "OUI"}};
    int n = 0;
    for (const auto& [member, text] : replies) {
      auto answer = testing::post_twilio_reply(scenario_->daemon().base_url(), "tw", *twilio_,
                                               phone_of(*member), text, "SMck" + std::to_string(++n));
      ASSERT_EQ(answer.status, 200) << answer.body;
    }
    ASSERT_TRUE(eventually(
        [&] { return scenario_->redis().integer({"HLEN", "alert:{" + id_ + "}:rsvp"}) == 4; }, 20s))
        << scenario_->describe(id_);
  }

  static void TearDownTestSuite() {
    delete scenario_;
    delete twilio_;
    delete roster_;
  }

  // The number the alert went to for this member.
  static std::string phone_of(const testing::RosterMember& member) {
    for (const auto& [address, id] : scenario_->recipients(id_)) {
      if (id == member.id && address.starts_with("+")) return address;
    }
    ADD_FAILURE() << "no SMS went to " << member.id;
    return "";
  }

  static std::string url(const std::string& path) { return scenario_->daemon().base_url() + path; }

  static std::string coordinator() {
    static std::string token = scenario_->daemon().create_token(
        scenario_->token(),
        R"({"name":"porte","role":"coordinator","regions":[")" + region_ + R"("]})");
    return token;
  }

  static testing::HttpResponse check_in(const std::string& body,
                                        const std::string& token = coordinator()) {
    return http_request("POST", url("/v1/alerts/" + id_ + "/checkins"), body, bearer(token));
  }

  static CheckinResponse parsed(const testing::HttpResponse& response) {
    CheckinResponse out;
    std::string error;
    EXPECT_TRUE(http::from_json(response.body, &out, &error)) << error << response.body;
    return out;
  }

  // The QR code's URL on the member's one-click page.
  static std::string qr_url_of(const testing::RosterMember& member) {
    const auto tags = scenario_->link_tags(id_);
    auto page = http_get(url("/r/" + code_ + "." + tags.at(member.id)));
    EXPECT_EQ(page.status, 200) << page.body;
    std::smatch found;
    std::regex qr(R"(<section class="checkin"[^]*<svg[^]*</svg>)");
    EXPECT_TRUE(std::regex_search(page.body, qr)) << "no QR code on the page";
    // The QR encodes the console URL; the page does not print it, so it is rebuilt from the
    // secret the page made, as a phone's camera would read it from the code.
    const std::string secret = scenario_->redis().text({"GET", "secret:checkin"});
    EXPECT_EQ(secret.size(), 32u);
    return checkin::checkin_url(scenario_->daemon().base_url(), id_, member.id,
                                checkin::checkin_tag(secret, id_, member.id));
  }

  std::string day(const std::string& field) {
    return scenario_->redis().text({"HGET", "alert:{" + id_ + "}:day", field});
  }
  std::string region_part() { return members::fold(region_); }

  static testing::TwilioServer* twilio_;
  static testing::AlertScenario* scenario_;
  static std::vector<testing::RosterMember>* roster_;
  static std::vector<testing::RosterMember> mine_, others_;
  static std::string region_, id_, code_;
};

testing::TwilioServer* CheckinApi::twilio_ = nullptr;
testing::AlertScenario* CheckinApi::scenario_ = nullptr;
std::vector<testing::RosterMember>* CheckinApi::roster_ = nullptr;
std::vector<testing::RosterMember> CheckinApi::mine_, CheckinApi::others_;
std::string CheckinApi::region_, CheckinApi::id_, CheckinApi::code_;

TEST_F(CheckinApi, TargetAndQuorumAreMilestonesOnceAndWatchPrintsThem) {
  // The three yes of the set-up reached the target.
  auto& redis = scenario_->redis();
  const std::string milestones = "alert:{" + id_ + "}:milestones";
  ASSERT_TRUE(eventually([&] {
    return redis.integer({"HEXISTS", milestones, "target|region|" + region_part()}) == 1;
  }, 10s));
  testing::Subprocess watch({.argv = {TOCSIN_CLI_PATH, "watch", id_},
                             .env_set = {{"TOCSIN_URL", scenario_->daemon().base_url()},
                                         {"TOCSIN_TOKEN", coordinator()}}});
  ASSERT_TRUE(watch.wait_for_stdout_line(std::regex("^Total "), 10s)) << watch.stdout_text();
  for (const auto* member : {&mine_[4], &mine_[5]}) {
    EXPECT_EQ(check_in(R"({"memberId":")" + member->id + "\"}").status, 200);
  }
  EXPECT_TRUE(watch.wait_for_stdout_line(
      std::regex("^Quorum reached: region " + region_ + ", 2 present of 2$"), 10s))
      << watch.stdout_text();
  EXPECT_EQ(redis.integer({"HLEN", milestones}), 2);
  // Each once: more check-ins and answers add none.
  EXPECT_EQ(check_in(R"({"memberId":")" + mine_[4].id + "\"}").status, 200);
  const std::string stream = redis.text({"XRANGE", "alert:{" + id_ + "}:events", "-", "+"});
  size_t told = 0;
  for (size_t at = stream.find("#milestone"); at != std::string::npos;
       at = stream.find("#milestone", at + 1)) {
    ++told;
  }
  EXPECT_EQ(told, 2u) << stream;
}

TEST_F(CheckinApi, QrCodeOfTheOneClickPageChecksInThenSaysAlready) {
  const auto& member = mine_[0];
  const std::string qr = qr_url_of(member);
  auto first = check_in(R"({"code":")" + qr + "\"}");
  ASSERT_EQ(first.status, 200) << first.body;
  const auto checked = parsed(first);
  EXPECT_EQ(checked.status(), "checked_in");
  EXPECT_EQ(checked.member_id(), member.id);
  EXPECT_EQ(checked.first_name(), member.first_name);
  EXPECT_EQ(checked.last_name(), member.last_name);
  EXPECT_EQ(checked.how(), "scan");
  EXPECT_EQ(checked.answer(), "yes");
  EXPECT_GE(checked.present(), 1);
  EXPECT_EQ(checked.yes(), 3);
  EXPECT_EQ(day(region_part() + "|pickup:GARE|present"), "1");

  auto again = check_in(R"({"code":")" + qr + "\"}");
  ASSERT_EQ(again.status, 200) << again.body;
  const auto repeated = parsed(again);
  EXPECT_EQ(repeated.status(), "already_checked_in");
  EXPECT_EQ(repeated.at_ms(), checked.at_ms());
  EXPECT_EQ(repeated.present(), checked.present());
  // Names went out twice: two audit entries, without the names.
  const std::string trail = scenario_->redis().text({"XRANGE", "alert:{" + id_ + "}:audit", "-", "+"});
  EXPECT_NE(trail.find("checkin.record"), std::string::npos);
  EXPECT_NE(trail.find("checkin.repeat"), std::string::npos);
  EXPECT_EQ(trail.find(member.last_name), std::string::npos);
}

TEST_F(CheckinApi, ShortCodeOfTheYesConfirmationChecksIn) {
  const auto& member = mine_[1];
  const std::string phone = phone_of(member);
  std::string code;
  ASSERT_TRUE(eventually(
      [&] {
        for (const auto& message : twilio_->messages()) {
          std::smatch found;
          if (message.to == phone &&
              std::regex_search(message.body, found, std::regex("(?:Code d'accueil :|Check-in code:) ([A-Z0-9]{6})"))) {
            code = found[1];
            return true;
          }
        }
        return false;
      },
      20s));
  // As a coordinator types it off a phone's screen.
  const std::string typed = members::fold(code.substr(0, 3)) + " " + code.substr(3);
  auto response = check_in(R"({"code":")" + typed + "\"}");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(parsed(response).member_id(), member.id);
  EXPECT_EQ(parsed(response).how(), "manual");
}

TEST_F(CheckinApi, AnotherRegionsMemberIsRefusedWithNothingChanged) {
  const auto& other = others_[0];
  auto by_number = check_in(R"({"memberId":")" + other.id + "\"}");
  EXPECT_EQ(by_number.status, 403) << by_number.body;
  EXPECT_NE(by_number.body.find("not in your regions"), std::string::npos);
  // Their own QR code too.
  const std::string secret = scenario_->redis().text({"GET", "secret:checkin"});
  if (!secret.empty()) {
    const std::string qr = checkin::checkin_url("https://x.example", id_, other.id,
                                                checkin::checkin_tag(secret, id_, other.id));
    EXPECT_EQ(check_in(R"({"code":")" + qr + "\"}").status, 403);
  }
  EXPECT_EQ(scenario_->redis().integer({"HEXISTS", "alert:{" + id_ + "}:present", other.id}), 0);
  // An executive's token checks them in.
  auto executive = check_in(R"({"memberId":")" + other.id + "\"}", scenario_->token());
  EXPECT_EQ(executive.status, 200) << executive.body;
}

TEST_F(CheckinApi, ForgedOtherAlertAndUnknownCodesAreRefused) {
  const auto& member = mine_[2];
  const std::string qr = qr_url_of(member);
  std::string forged = qr;
  forged.back() = forged.back() == 'A' ? 'B' : 'A';
  auto refused = check_in(R"({"code":")" + forged + "\"}");
  EXPECT_EQ(refused.status, 400);
  EXPECT_NE(refused.body.find("this code is not valid"), std::string::npos) << refused.body;

  const std::string secret = scenario_->redis().text({"GET", "secret:checkin"});
  const std::string other_alert = "zzzzzzzzzzzzzzzz";
  const std::string elsewhere = checkin::checkin_url(
      "https://x.example", other_alert, member.id, checkin::checkin_tag(secret, other_alert, member.id));
  auto wrong_alert = check_in(R"({"code":")" + elsewhere + "\"}");
  EXPECT_EQ(wrong_alert.status, 400);
  EXPECT_NE(wrong_alert.body.find("this code is for another alert"), std::string::npos);

  auto unknown_code = check_in(R"({"code":"ZZZZZZ"})");
  EXPECT_EQ(unknown_code.status, 404) << unknown_code.body;
  EXPECT_EQ(check_in(R"({"code":"hello"})").status, 400);
  EXPECT_EQ(check_in(R"({"memberId":"NOBODY42"})").status, 404);
  EXPECT_EQ(check_in(R"({})").status, 400);
  EXPECT_EQ(check_in(R"({"code":)").status, 400);
  EXPECT_EQ(scenario_->redis().integer({"HEXISTS", "alert:{" + id_ + "}:present", member.id}), 0);
}

TEST_F(CheckinApi, SearchFindsYesMembersOfTheCoordinatorsRegionsOnly) {
  const auto& member = mine_[1];
  auto found = http_get(url("/v1/alerts/" + id_ + "/checkins:search?q=" +
                            members::fold(member.last_name).substr(0, 4)),
                        bearer(coordinator()));
  ASSERT_EQ(found.status, 200) << found.body;
  CheckinSearchResponse list;
  std::string error;
  ASSERT_TRUE(http::from_json(found.body, &list, &error)) << error;
  bool listed = false;
  for (const auto& candidate : list.members()) {
    listed |= candidate.member_id() == member.id;
    EXPECT_NE(candidate.member_id(), others_[0].id);
  }
  EXPECT_TRUE(listed) << found.body;

  auto by_number = http_get(url("/v1/alerts/" + id_ + "/checkins:search?q=" + others_[0].id),
                            bearer(coordinator()));
  ASSERT_EQ(by_number.status, 200);
  EXPECT_EQ(by_number.body.find(others_[0].id), std::string::npos);
  EXPECT_EQ(http_get(url("/v1/alerts/" + id_ + "/checkins:search?q=a"), bearer(coordinator())).status,
            400);
}

TEST_F(CheckinApi, PresentBySmsIsSelfReportedUntilScanned) {
  const auto& member = mine_[3];
  auto answer = testing::post_twilio_reply(scenario_->daemon().base_url(), "tw", *twilio_,
                                           phone_of(member), "PRÉSENT " + code_, "SMpresent1");
  ASSERT_EQ(answer.status, 200) << answer.body;
  const std::string self = region_part() + "|all|present_self";
  ASSERT_TRUE(eventually([&] { return day(self) == "1"; }, 20s)) << scenario_->describe(id_);
  const std::string phone = phone_of(member);
  EXPECT_TRUE(eventually(
      [&] {
        for (const auto& message : twilio_->messages()) {
          if (message.to == phone && (message.body.find("présence est notée") != std::string::npos ||
                                      message.body.find("marked present") != std::string::npos)) {
            return true;
          }
        }
        return false;
      },
      20s));
  const std::string before = day(region_part() + "|all|present");
  auto scanned = check_in(R"({"memberId":")" + member.id + "\"}");
  ASSERT_EQ(scanned.status, 200) << scanned.body;
  EXPECT_EQ(parsed(scanned).status(), "checked_in");
  EXPECT_EQ(day(self), "");
  EXPECT_EQ(std::stoi(day(region_part() + "|all|present")), std::stoi(before.empty() ? "0" : before) + 1);
}

}  // namespace
}  // namespace tocsin
