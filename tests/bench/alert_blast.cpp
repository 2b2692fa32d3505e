#include "tests/bench/alert_blast.h"

#include <stdexcept>
#include <thread>

#include "http/json.h"
#include "proto/tocsin.pb.h"
#include "tests/support/http_client.h"
#include "tests/support/synthetic_roster.h"

namespace tocsin::bench {
namespace {

// A JSON string literal for `text` (templates hold no control characters).
std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

}  // namespace

std::string sms_alert_json(const std::string& french, const std::string& english,
                           bool fold_accents) {
  return std::string(R"({"kind":"EMERGENCY_ASSEMBLY","title":"Bench",)") +
         (fold_accents ? R"("foldAccents":true,)" : "") +
         R"("eventTime":"2030-06-06T07:00:00-04:00","expiresAt":"2030-06-06T06:00:00-04:00",)"
         R"("place":"Parc Lafontaine","audience":"all","channels":"SMS","messages":{"fr":{"sms":)" +
         quoted(french) + R"(},"en":{"sms":)" + quoted(english) + "}}}";
}

AlertBlast::AlertBlast(const std::string& gateways, const std::string& extra, size_t members) {
  daemon_ = std::make_unique<testing::DaemonProcess>(testing::DaemonProcess::Options{
      .redis_url = redis_server_.url(),
      .http_fields = "",
      .extra_config = gateways + "alerts { approval_threshold: 10000000 }\n" + extra});
  admin_ = daemon_->bootstrap_admin("bench");
  testing::RosterOptions roster;
  roster.members = members;
  roster.seed = 5;
  roster.shared_phone_every = 0;  // one message per member
  auto imported = testing::http_request("POST", daemon_->base_url() + "/v1/members:import",
                                        testing::make_roster_csv(roster),
                                        {auth()[0], "Content-Type: text/csv"});
  if (imported.status != 200) throw std::runtime_error("import failed: " + imported.body);
  sync_ = std::make_unique<testing::RedisSync>(redis_server_.port());
}

std::vector<std::string> AlertBlast::auth() const {
  return {"Authorization: Bearer " + admin_};
}

int64_t AlertBlast::reachable_by_sms() {
  return sync_->integer({"SCARD", "{roster}:members:sms"});
}

std::string AlertBlast::create(const std::string& alert_json) {
  auto created =
      testing::http_request("POST", daemon_->base_url() + "/v1/alerts", alert_json, auth());
  if (created.status != 201) throw std::runtime_error("create failed: " + created.body);
  AlertResponse response;
  std::string error;
  if (!http::from_json(created.body, &response, &error)) throw std::runtime_error(error);
  return response.alert().id();
}

void AlertBlast::send(const std::string& id) {
  auto sent =
      testing::http_request("POST", daemon_->base_url() + "/v1/alerts/" + id + ":send", "", auth());
  if (sent.status != 202) throw std::runtime_error("send failed: " + sent.body);
}

void AlertBlast::wait_until_sent(const std::string& id, std::chrono::seconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (sync_->text({"HGET", "alert:{" + id + "}", "state"}) != "sent") {
    if (Clock::now() > deadline) {
      throw std::runtime_error("the blast did not finish; daemon log:\n" +
                               daemon_->process().stderr_text());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

int64_t AlertBlast::count(const std::string& id, const std::string& state) {
  return sync_->integer({"HGET", "alert:{" + id + "}:count", state});
}

}  // namespace tocsin::bench
