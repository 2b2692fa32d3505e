#pragma once
// A real redis-server and tocsind (AlertScenario) that sent an alert by SMS, through the
// Twilio-shaped server, to six members of two regions in two languages, with a pickup point per
// region and car seats asked: what the one-click page and the unknown-replies tests start from.
// Each member's RSVP link is taken from the SMS they got.

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "http/json.h"
#include "proto/tocsin.pb.h"
#include "tests/support/alert_scenario.h"
#include "tests/support/http_client.h"
#include "tests/support/twilio_server.h"
#include "turnout/rsvp_record.h"

namespace tocsin::testing {

using namespace std::chrono_literals;

// One member of the roster below.
struct ReplyMember {
  std::string id;
  std::string phone;  // E.164
  std::string region;
  std::string language;
};

class ReplyFixture : public ::testing::Test {
 protected:
  // Zoé's name holds every character HTML needs escaped.
  static constexpr const char* kZoe = "Zoé \"<b>\" & O'Neil";

  void SetUp() override {
    scenario_ = std::make_unique<AlertScenario>(
        AlertScenario::Options{.gateways = twilio_gateway_config("tw", twilio_, 1000)});
    daemon_ = &scenario_->daemon();
    admin_ = scenario_->token();
    redis_sync_ = &scenario_->redis();

    const std::string csv =
        "Numéro de membre,Prénom,Nom,Cellulaire,Langue,Région,Secteur,Syndicat local\r\n"
        "M1,\"Zoé \"\"<b>\"\" & O'Neil\",Roy,514-555-0101,fr,Montérégie,Santé,L-1\r\n"
        "M2,Alex,Smith,514-555-0102,en,Estrie,Éducation,L-2\r\n"
        "M3,Marie,Côté,514-555-0103,fr,Estrie,Santé,L-2\r\n"
        "M4,Luc,Roy,514-555-0104,fr,Montérégie,Éducation,L-1\r\n"
        "M5,Kim,Lee,514-555-0105,en,Montérégie,Santé,L-3\r\n"
        "M6,Éric,Gagné,514-555-0106,fr,Estrie,Éducation,L-2\r\n";
    auto imported = http_request("POST", daemon_->base_url() + "/v1/members:import", csv,
                                 {"Authorization: Bearer " + admin_, "Content-Type: text/csv"});
    ASSERT_EQ(imported.status, 200) << imported.body;
    members_ = {
        {"M1", "+15145550101", "Montérégie", "fr"}, {"M2", "+15145550102", "Estrie", "en"},
        {"M3", "+15145550103", "Estrie", "fr"},     {"M4", "+15145550104", "Montérégie", "fr"},
        {"M5", "+15145550105", "Montérégie", "en"}, {"M6", "+15145550106", "Estrie", "fr"}};
    std::tie(id_, code_) = send_alert(R"("expiresAt":"2030-06-06T06:00:00-04:00")");
    ASSERT_FALSE(id_.empty());
  }

  // The alert as JSON, with `expiry` (a "expiresAt": … member) spliced in.
  std::string assembly_json(const std::string& expiry) const {
    return std::string(R"({"kind":"EMERGENCY_ASSEMBLY","title":)") +
           R"("Assemblée <urgente> & \"spéciale\"","eventTime":"2030-06-06T07:00:00-04:00",)" +
           expiry +
           R"(,"place":"Parc Jarry","audience":"all","channels":"SMS","carSeats":true,)"
           R"("pickupPoints":[{"id":"MON","name":")" +
           montreal_pickup_name_ +
           R"(","region":"Montérégie",)"
           R"("busCapacity":50,"departsAt":"2030-06-06T05:30:00-04:00"},)"
           R"({"id":"EST","name":"Cégep de Sherbrooke","region":"Estrie","busCapacity":50}],)"
           R"("messages":{"fr":{"sms":"{first_name}, assemblée {code}: {rsvp_link}"},)"
           R"("en":{"sms":"{first_name}, assembly {code}: {rsvp_link}"}}})";
  }

  // Creates and starts sending an alert; its id and code. With `wait_sent`, once sent.
  std::pair<std::string, std::string> send_alert(const std::string& expiry, bool wait_sent = true) {
    const auto alert = scenario_->create_alert(assembly_json(expiry));
    scenario_->send(alert.id);
    if (wait_sent) {
      EXPECT_TRUE(scenario_->wait_state(alert.id, "sent", 30s));
    }
    return {alert.id, alert.code};
  }

  const ReplyMember& member(const std::string& id) const {
    for (const auto& m : members_) {
      if (m.id == id) return m;
    }
    throw std::out_of_range(id);
  }

  // The RSVP link in the SMS of alert `code` to the member, or "".
  std::string link_of(const std::string& member_id, const std::string& code = "") {
    const std::string& wanted = code.empty() ? code_ : code;
    for (const auto& message : twilio_.messages()) {
      if (message.to != member(member_id).phone) continue;
      if (message.body.find(" " + wanted + ": ") == std::string::npos) continue;
      const size_t at = message.body.find(daemon_->base_url() + "/r/");
      if (at == std::string::npos) continue;
      return message.body.substr(at, message.body.find_first_of(" \n", at) - at);
    }
    return "";
  }

  // Posts `form` as the page's own form does from a browser: with our Origin, unless
  // `headers` are given.
  HttpResponse post_form(const std::string& url, const std::string& form,
                         std::vector<std::string> headers = {}) {
    if (headers.empty()) headers.push_back("Origin: " + daemon_->base_url());
    headers.push_back("Content-Type: application/x-www-form-urlencoded");
    return http_request("POST", url, form, headers);
  }

  // The form token in the page at `url`, or "".
  std::string form_token_of(const std::string& url) {
    const std::string page = http_get(url).body;
    const std::string field = "name=\"formToken\" value=\"";
    const size_t at = page.find(field);
    if (at == std::string::npos) return "";
    const size_t start = at + field.size();
    return page.substr(start, page.find('"', start) - start);
  }

  // The member texts `text`, through the signed Twilio webhook.
  void sms_reply(const std::string& member_id, const std::string& text) {
    auto answer = post_twilio_reply(daemon_->base_url(), "tw", twilio_, member(member_id).phone,
                                    text, "SM" + std::to_string(++replies_sent_));
    ASSERT_EQ(answer.status, 200) << answer.body;
  }

  std::map<std::string, int64_t> tally() { return scenario_->tally(id_); }

  std::map<std::string, int64_t> recount() {
    size_t unreadable = 0;
    auto result = scenario_->recount(id_, &unreadable);
    EXPECT_EQ(unreadable, 0u);
    return result;
  }

  std::optional<replies::RsvpRecord> rsvp_of(const std::string& member_id) {
    return replies::decode(redis_sync_->text({"HGET", "alert:{" + id_ + "}:rsvp", member_id}));
  }

  int64_t count(const std::string& key) { return redis_sync_->integer({"HLEN", key}); }

  // The Montérégie pickup point's name (plain text: spliced into JSON as is).
  std::string montreal_pickup_name_ = "Terminus Longueuil";
  TwilioServer twilio_;
  std::unique_ptr<AlertScenario> scenario_;
  DaemonProcess* daemon_ = nullptr;
  std::string admin_;
  RedisSync* redis_sync_ = nullptr;
  std::vector<ReplyMember> members_;
  std::string id_;
  std::string code_;
  int replies_sent_ = 0;
};

}  // namespace tocsin::testing
