#include "tests/support/alert_scenario.h"

#include <curl/curl.h>

#include <csignal>
#include <set>
#include <stdexcept>

#include "adapters/twilio/twilio_signature.h"
#include "http/json.h"
#include "proto/tocsin.pb.h"
#include "tests/support/http_client.h"
#include "tests/support/twilio_server.h"
#include "turnout/reach_count.h"
#include "turnout/rsvp_record.h"

namespace tocsin::testing {
namespace {

std::map<std::string, std::string> hash_of(RedisSync& redis, const std::string& key) {
  std::map<std::string, std::string> result;
  const auto fields = redis.command({"HGETALL", key});
  for (size_t i = 0; i + 1 < fields.elements.size(); i += 2) {
    result[fields.elements[i].str] = fields.elements[i + 1].str;
  }
  return result;
}

std::string escaped(const std::string& text) {
  char* out = curl_easy_escape(nullptr, text.data(), static_cast<int>(text.size()));
  std::string result(out);
  curl_free(out);
  return result;
}

}  // namespace

HttpResponse post_twilio_reply(const std::string& daemon_url, const std::string& gateway,
                               const TwilioServer& server, const std::string& from,
                               const std::string& text, const std::string& message_sid) {
  const std::string url = daemon_url + "/hooks/twilio/" + gateway + "/inbound";
  const adapters::twilio::FormParams params = {
      {"MessageSid", message_sid}, {"From", from}, {"To", "+15145550100"}, {"Body", text}};
  std::string body;
  for (const auto& [name, value] : params) {
    body += (body.empty() ? "" : "&") + escaped(name) + "=" + escaped(value);
  }
  return http_request("POST", url, body,
                      {"Content-Type: application/x-www-form-urlencoded",
                       "X-Twilio-Signature: " +
                           adapters::twilio::twilio_signature(server.auth_token(), url, params)});
}

std::string twilio_gateway_config(const std::string& name, const TwilioServer& server,
                                  double rate_per_second, int max_concurrency, int timeout_ms) {
  return "gateways { name: \"" + name + "\" rate_per_second: " + std::to_string(rate_per_second) +
         " max_concurrency: " + std::to_string(max_concurrency) + " twilio { base_url: \"" +
         server.base_url() + "\" account_sid: \"" + server.account_sid() +
         "\" auth_token { inline: \"" + server.auth_token() +
         "\" } from: \"+15145550100\" timeout_ms: " + std::to_string(timeout_ms) + " } }\n";
}

std::string alert_json(const std::string& channels, const std::string& fr, const std::string& en,
                       const std::string& more_fields) {
  std::string messages = R"("fr":)" + fr;
  if (!en.empty()) messages += R"(,"en":)" + en;
  return R"({"kind":"EMERGENCY_ASSEMBLY","title":"Assemblée","eventTime":"2030-06-06T07:00:00-04:00",)"
         R"("expiresAt":"2030-06-06T06:00:00-04:00","place":"Parc Lafontaine","audience":"all",)"
         R"("channels":")" +
         channels + R"(","messages":{)" + messages + "}" +
         (more_fields.empty() ? "" : "," + more_fields) + "}";
}

AlertScenario::AlertScenario(Options options) {
  DaemonProcess::Options daemon;
  daemon.redis_url = redis_server_.url();
  daemon.port = options.port;
  daemon.http_fields = options.http_fields;
  daemon.test_clock = options.test_clock;
  daemon.extra_config =
      options.gateways + options.extra_config + "alerts { approval_threshold: 100000 }\n";
  daemon_options_ = daemon;
  daemon_ = std::make_unique<DaemonProcess>(daemon);
  token_ = daemon_->bootstrap_admin("scenario");
  sync_ = std::make_unique<RedisSync>(redis_server_.port());
}

AlertScenario::~AlertScenario() = default;

void AlertScenario::kill_and_restart_daemon() {
  daemon_->process().send_signal(SIGKILL);
  daemon_->process().wait_for_exit(std::chrono::seconds(10));
  daemon_.reset();
  daemon_ = std::make_unique<DaemonProcess>(daemon_options_);
}

std::vector<RosterMember> AlertScenario::import_roster(const RosterOptions& options) {
  auto imported =
      http_request("POST", daemon_->base_url() + "/v1/members:import", make_roster_csv(options),
                   {authorization(), "Content-Type: text/csv"});
  if (imported.status != 200) throw std::runtime_error("import failed: " + imported.body);
  return make_roster(options);
}

AlertScenario::Alert AlertScenario::create_alert(const std::string& json) {
  auto created = http_request("POST", daemon_->base_url() + "/v1/alerts", json, {authorization()});
  if (created.status != 201) throw std::runtime_error("alert refused: " + created.body);
  AlertResponse response;
  std::string error;
  if (!http::from_json(created.body, &response, &error)) throw std::runtime_error(error);
  return {response.alert().id(), response.alert().code()};
}

void AlertScenario::send(const std::string& id) {
  auto sent = http_request("POST", daemon_->base_url() + "/v1/alerts/" + id + ":send", "",
                           {authorization()});
  if (sent.status != 202) throw std::runtime_error("send refused: " + sent.body);
}

AlertScenario::Alert AlertScenario::send_and_wait(const std::string& json,
                                                  std::chrono::milliseconds timeout) {
  Alert alert = create_alert(json);
  send(alert.id);
  if (!wait_state(alert.id, "sent", timeout)) {
    throw std::runtime_error("alert not sent in time: " + describe(alert.id));
  }
  return alert;
}

std::string AlertScenario::state(const std::string& id) {
  return sync_->text({"HGET", "alert:{" + id + "}", "state"});
}

bool AlertScenario::wait_state(const std::string& id, std::string_view wanted,
                               std::chrono::milliseconds timeout) {
  return eventually([&] { return state(id) == wanted; }, timeout);
}

int64_t AlertScenario::count(const std::string& id, const std::string& delivery_state) {
  return sync_->integer({"HGET", "alert:{" + id + "}:count", delivery_state});
}

int64_t AlertScenario::count_sum(const std::string& id,
                                 const std::vector<std::string>& delivery_states) {
  std::vector<std::string> read{"HMGET", "alert:{" + id + "}:count"};
  read.insert(read.end(), delivery_states.begin(), delivery_states.end());
  int64_t sum = 0;
  for (const auto& value : sync_->command(read).elements) {
    if (!value.str.empty()) sum += std::stoll(value.str);
  }
  return sum;
}

std::map<std::string, std::string> AlertScenario::recipients(const std::string& id) {
  return hash_of(*sync_, "alert:{" + id + "}:to");
}

std::map<std::string, std::string> AlertScenario::link_tags(const std::string& id) {
  std::map<std::string, std::string> result;
  for (const auto& [tag, member] : hash_of(*sync_, "alert:{" + id + "}:links")) {
    result[member] = tag;
  }
  return result;
}

std::map<std::string, int64_t> AlertScenario::tally(const std::string& id) {
  std::map<std::string, int64_t> result;
  for (const auto& [field, value] : hash_of(*sync_, "alert:{" + id + "}:tally")) {
    result[field] = std::stoll(value);
  }
  return result;
}

std::map<std::string, int64_t> AlertScenario::recount(const std::string& id, size_t* unreadable) {
  const auto rsvps = hash_of(*sync_, "alert:{" + id + "}:rsvp");
  std::vector<std::string> stored;
  for (const auto& [member, value] : rsvps) stored.push_back(value);
  // Unclear replies count where the member counts in the alert (alert:{id}:dims), as the
  // reply script places them.
  const auto dims = hash_of(*sync_, "alert:{" + id + "}:dims");
  std::vector<std::string> unknown_places;
  for (const auto& [member, value] : hash_of(*sync_, "alert:{" + id + "}:unknown")) {
    if (rsvps.contains(member)) continue;
    if (auto place = dims.find(member); place != dims.end()) {
      unknown_places.push_back(place->second);
    } else {
      const auto idx = sync_->command(
          {"HMGET", "{roster}:member:" + member + ":idx", "region", "sector", "local", "title"});
      unknown_places.push_back(
          turnout::encode_place({idx.elements.at(0).str, idx.elements.at(1).str,
                                 idx.elements.at(2).str, idx.elements.at(3).str}));
    }
  }
  return replies::recount(stored, unreadable, unknown_places);
}

std::map<std::string, int64_t> AlertScenario::reach(const std::string& id) {
  std::map<std::string, int64_t> result;
  for (const auto& [field, value] : hash_of(*sync_, "alert:{" + id + "}:reach")) {
    result[field] = std::stoll(value);
  }
  return result;
}

std::map<std::string, int64_t> AlertScenario::recount_reach(const std::string& id) {
  std::set<std::string> unreachable;
  const auto members = sync_->command({"SMEMBERS", "alert:{" + id + "}:unreachable"});
  for (const auto& member : members.elements) unreachable.insert(member.str);
  return turnout::recount_reach(hash_of(*sync_, "alert:{" + id + "}:delivery"),
                                hash_of(*sync_, "alert:{" + id + "}:dims"), unreachable);
}

int64_t sum_over_regions(const std::map<std::string, int64_t>& fields,
                         std::string_view dimension_measure) {
  int64_t sum = 0;
  for (const auto& [field, value] : fields) {
    const size_t bar = field.find('|');
    if (bar != std::string::npos && std::string_view(field).substr(bar + 1) == dimension_measure) {
      sum += value;
    }
  }
  return sum;
}

std::string AlertScenario::describe(const std::string& id) {
  std::string text;
  for (const auto& [state, n] : hash_of(*sync_, "alert:{" + id + "}:count")) {
    text += state + "=" + n + " ";
  }
  return text + "| daemon log: " + daemon_->process().stderr_text().substr(0, 4000);
}

}  // namespace tocsin::testing
