#pragma once
// What the participation report tests start from: a real redis-server and tocsind
// (AlertScenario) that sent an emergency assembly by SMS, through the Twilio-shaped server,
// to a synthetic roster of 2,000 members over the roster's regions; members answered through
// the inbound webhook (30 yes, 12 no, 8 maybe), then were checked in at the door (18 yes by
// scan, 4 by hand, 2 of the no who came anyway) or said so by SMS (3 yes): 5 yes are
// no-shows. The check-ins are written by the check-in script itself
// (checkin/check_in.lua), as the check-in route runs it.

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "checkin/check_in.lua.h"
#include "checkin/checkin_scripts.h"
#include "members/text_fold.h"
#include "tests/support/alert_scenario.h"
#include "tests/support/http_client.h"
#include "tests/support/twilio_server.h"

namespace tocsin::testing {

using namespace std::chrono_literals;


class ReportFixture : public ::testing::Test {
 protected:
  static constexpr size_t kMembers = 2000;

  static void SetUpTestSuite() {
    twilio_ = new TwilioServer();
    scenario_ = new AlertScenario({.gateways = twilio_gateway_config("tw", *twilio_, 1000)});
    RosterOptions options;
    options.members = kMembers;
    options.shared_phone_every = 0;  // one member per phone: each reply is one member's
    roster_ = new std::vector<RosterMember>(scenario_->import_roster(options));
    std::map<std::string, int> sizes;
    for (const auto& m : *roster_) ++sizes[m.region];
    region_ = std::max_element(sizes.begin(), sizes.end(), [](auto& a, auto& b) {
                return a.second < b.second;
              })->first;
    id_ = scenario_->send_and_wait(alert_json("SMS", R"({"sms":"{first_name}: {code}"})")).id;

    // Replies, from the members who got the SMS, in roster order.
    std::map<std::string, std::string> phone_of;
    for (const auto& [address, member] : scenario_->recipients(id_)) {
      if (address.starts_with("+")) phone_of[member] = address;
    }
    std::vector<std::string> texted;
    for (const auto& m : *roster_) {
      if (phone_of.contains(m.id)) texted.push_back(m.id);
    }
    ASSERT_GE(texted.size(), 50u);
    int sid = 0;
    auto reply = [&](const std::string& member, const std::string& text) {
      auto answer = post_twilio_reply(scenario_->daemon().base_url(), "tw", *twilio_,
                                      phone_of.at(member), text, "SMrp" + std::to_string(++sid));
      ASSERT_EQ(answer.status, 200) << answer.body;
    };
    for (size_t i = 0; i < 50; ++i) {
      const std::string& member = texted[i];
      const std::string answer = i < 30 ? "yes" : i < 42 ? "no" : "maybe";
      (*answers_)[member] = answer;
      reply(member, answer == "yes" ? "OUI" : answer == "no" ? "NON" : "PEUT-ÊTRE");
    }
    auto& redis = scenario_->redis();
    ASSERT_TRUE(eventually([&] { return redis.integer({"HLEN", "alert:{" + id_ + "}:rsvp"}) == 50; },
                           20s))
        << scenario_->describe(id_);

    // At the door: yes 0-17 scanned, 18-21 by hand, 22-24 said so by SMS, 25-29 never came;
    // two of the no (30, 31) came anyway.
    // Through the check-in script itself (checkin/check_in.lua), as the route runs it.
    const auto keys = checkin::check_in_keys(id_);
    for (size_t i = 0; i < 32; ++i) {
      if (i >= 25 && i < 30) continue;
      const char* how = i < 18 ? "scan" : i < 22 ? "manual" : i < 25 ? "self" : "scan";
      std::vector<std::string> call{"EVAL", std::string(checkin::lua::check_in),
                                    std::to_string(keys.size())};
      call.insert(call.end(), keys.begin(), keys.end());
      for (std::string arg : {id_, texted[i], std::string(how), std::string("test"),
                              std::to_string(1'700'000'000'000 + i), std::string("0")}) {
        call.push_back(std::move(arg));
      }
      const auto done = redis.command(call);
      ASSERT_FALSE(done.is_error()) << done.str;
      ASSERT_EQ(done.elements.at(0).str, "checked_in");
      (*how_)[texted[i]] = how;
    }
  }

  static void TearDownTestSuite() {
    delete scenario_;
    delete twilio_;
    delete roster_;
    answers_->clear();
    how_->clear();
  }

  static std::string url(const std::string& path) { return scenario_->daemon().base_url() + path; }

  static std::string coordinator() {
    static std::string token = scenario_->daemon().create_token(
        scenario_->token(),
        R"({"name":"coord","role":"coordinator","regions":[")" + region_ + R"("]})");
    return token;
  }

  static std::map<std::string, std::string> hash(const std::string& key) {
    std::map<std::string, std::string> out;
    const auto reply = scenario_->redis().command({"HGETALL", key});
    for (size_t i = 0; i + 1 < reply.elements.size(); i += 2) {
      out[reply.elements[i].str] = reply.elements[i + 1].str;
    }
    return out;
  }

  static inline TwilioServer* twilio_ = nullptr;
  static inline AlertScenario* scenario_ = nullptr;
  static inline std::vector<RosterMember>* roster_ = nullptr;
  static inline std::string id_;
  static inline std::string region_;  // the coordinator's (the largest), as the roster writes it
  // member -> "yes" | "no" | "maybe"; member -> how they were counted present.
  static inline std::map<std::string, std::string>* answers_ =
      new std::map<std::string, std::string>();
  static inline std::map<std::string, std::string>* how_ = new std::map<std::string, std::string>();
};

}  // namespace tocsin::testing
