// After an alert is created: asking the other executives to approve it, declining it, where
// its approval stands, a test message to oneself, and its audit trail (README.md,
// "Approvals").

#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>

#include "adapters/gateway.h"
#include "alerts/alert_keys.h"
#include "alerts/alert_relay.h"
#include "alerts/alert_state.h"
#include "alerts/alert_store.h"
#include "alerts/approval_link.h"
#include "alerts/approval_message.h"
#include "alerts/approval_read.h"
#include "alerts/approval_rule.h"
#include "alerts/sms_encoding.h"
#include "api/approval_check.h"
#include "api/responses.h"
#include "api/routes.h"
#include "api/services.h"
#include "auth/account_store.h"
#include "http/json.h"
#include "http/router.h"
#include "proto/config.pb.h"
#include "proto/console.pb.h"
#include "proto/tocsin.pb.h"
#include "redis/client.h"
#include "redis/decode.h"
#include "util/clock.h"

namespace tocsin::api {
namespace {

using http::error_response;
using http::Request;
using http::Response;
using Store = std::shared_ptr<alerts::AlertStore>;
namespace keys = alerts::keys;

// One approval request per alert per minute, one test per alert and account per 30 s.
constexpr int kRequestEverySeconds = 60;
constexpr int kTestEverySeconds = 30;
constexpr size_t kMaxReasonCharacters = 500;
constexpr size_t kTrailLimit = 1000;

Response refused(const alerts::Refusal& refusal) {
  return error_response(refusal.status, refusal.error, refusal.field);
}

// A refusal to repeat too soon, with the seconds to wait.
Response too_soon(std::string text, int64_t seconds) {
  Response response =
      error_response(429, text + "; try again in " + std::to_string(seconds) + " s");
  response.headers.emplace_back("Retry-After", std::to_string(seconds));
  return response;
}

// Takes the slot `key` for `seconds`; else the seconds left (at least 1).
boost::asio::awaitable<Result<int64_t>> take_slot(redis::Client& redis, std::string key,
                                                  int seconds) {
  std::vector<redis::Command> commands{{"SET", key, "1", "NX", "EX", std::to_string(seconds)},
                                       {"TTL", key}};
  // SET NX answers OK when it took the slot, nil when it is taken.
  auto replies = redis::decode_each<std::optional<std::string>, int64_t>(
      co_await redis.exec_pipeline(std::move(commands)));
  if (!replies) co_return replies.error();
  const auto& [taken, seconds_left] = *replies;
  if (taken) co_return 0;
  co_return std::max<int64_t>(1, seconds_left);
}

size_t utf8_characters(std::string_view text) {
  size_t count = 0;
  for (unsigned char c : text) count += (c & 0xC0) != 0x80;
  return count;
}

std::string trimmed(const std::string& text) {
  const size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

// The executives an approval request goes to: enabled executive accounts with a mobile or
// an email, other than the requester (by account, and by name: the approval rule refuses a
// same-named approver, so asking them would be useless).
std::vector<AccountRecord> approvers(const std::vector<AccountRecord>& accounts,
                                     const auth::Principal& who) {
  std::vector<AccountRecord> chosen;
  for (const auto& account : accounts) {
    if (account.role() != ROLE_EXECUTIVE || account.disabled()) continue;
    if (account.id() == who.account_id || alerts::same_name(account.name(), who.name)) continue;
    if (account.mobile().empty() && account.email().empty()) continue;
    chosen.push_back(account);
  }
  return chosen;
}

adapters::OutgoingMessage direct_message(const AccountRecord& account, std::string channel,
                                         std::string text, std::string subject,
                                         std::string idempotency_key, std::string language = "fr") {
  adapters::OutgoingMessage message;
  message.member_id = "account:" + account.id();
  message.channel = channel;
  message.to = channel == "sms" ? account.mobile() : account.email();
  message.language = std::move(language);
  message.segments = channel == "sms" ? static_cast<int>(alerts::measure_sms(text).segments) : 1;
  message.text = std::move(text);
  message.email_subject = std::move(subject);
  // Unique per message: gateways derive their message id from it.
  message.idempotency_key = std::move(idempotency_key) + ":" + account.id() + ":" + channel;
  return message;
}

boost::asio::awaitable<Response> request_approval(Store store, Services& services,
                                                  Request& request) {
  const std::string id = request.path_params["id"];
  const auth::Principal who = *request.principal;
  auto previewed = co_await store->preview(id);
  if (const auto* refusal = std::get_if<alerts::Refusal>(&previewed)) co_return refused(*refusal);
  const AlertResponse& preview = std::get<AlertResponse>(previewed);
  const Alert& alert = preview.alert();
  if (alert.state() != DRAFT) {
    co_return error_response(409,
                             "the alert is " + std::string(alerts::state_name(alert.state())) +
                                 ": only a draft alert waits for approval",
                             "state");
  }
  auto accounts = co_await services.accounts.list();
  if (!accounts) co_return unavailable();
  const auto chosen = approvers(*accounts, who);
  if (chosen.empty()) {
    co_return error_response(
        409,
        "no other executive account can approve: create one with tocsin account create "
        "--name NAME --role executive --mobile NUMBER --email ADDRESS",
        "accounts");
  }
  // The secret first: a request that cannot sign its link records nothing.
  auto secret = co_await alerts::approval_secret(services.redis, true);
  if (!secret || secret->empty()) co_return unavailable();
  auto wait = co_await take_slot(services.redis, keys::approval_asked(id), kRequestEverySeconds);
  if (!wait) co_return unavailable();
  if (*wait > 0) {
    co_return too_soon(
        "approval was requested for this alert less than a minute ago; the "
        "executives already have the link",
        *wait);
  }
  alerts::AlertStore::ApprovalAsked asked;
  for (const auto& account : chosen) {
    asked.sms += !account.mobile().empty();
    asked.email += !account.email().empty();
    asked.names.push_back(account.name());
  }
  auto recorded = co_await store->record_approval_request(id, who, asked);
  if (const auto* refusal = std::get_if<alerts::Refusal>(&recorded)) co_return refused(*refusal);

  const int64_t expires = services.clock.now_ms() / 1000 + alerts::kApprovalLinkSeconds;
  const std::string link = alerts::approval_link(services.config.http().public_url(), id, expires,
                                                 alerts::approval_tag(*secret, id, expires));
  const auto words = alerts::approval_message(alert.code(), alert.title(),
                                              preview.audience_members(), who.name, link);
  const std::string key = "approval:" + id + ":" + std::to_string(services.clock.now_ms());
  for (const auto& account : chosen) {
    for (const char* channel : {"sms", "email"}) {
      const bool has =
          std::string_view(channel) == "sms" ? !account.mobile().empty() : !account.email().empty();
      if (has) {
        services.send_direct(direct_message(account, channel, words.text, words.subject, key));
      }
    }
  }
  spdlog::info("event=alert_approval_requested id={} executives={} sms={} email={}", id,
               chosen.size(), asked.sms, asked.email);
  ApprovalRequestResponse answer;
  answer.set_alert_id(id);
  answer.set_notified_sms(asked.sms);
  answer.set_notified_email(asked.email);
  for (auto& name : asked.names) answer.add_notified_names(std::move(name));
  answer.set_link_expires_at_unix(expires);
  co_return json(200, answer);
}

boost::asio::awaitable<Response> decline(Store store, Services& services, Request& request) {
  const std::string id = request.path_params["id"];
  if (auto refusal = co_await refuse_approval_link(services, request, id)) co_return *refusal;
  DeclineRequest body;
  std::string parse_error;
  if (!http::from_json(request.body, &body, &parse_error)) {
    co_return error_response(400, "malformed JSON body: " + parse_error, "reason");
  }
  const std::string reason = trimmed(body.reason());
  if (reason.empty()) {
    co_return error_response(400, "say why you decline: the reason is required", "reason");
  }
  if (utf8_characters(reason) > kMaxReasonCharacters) {
    co_return error_response(400,
                             "the reason is " + std::to_string(utf8_characters(reason)) +
                                 " characters long; at most 500",
                             "reason");
  }
  auto declined = co_await store->decline(id, *request.principal, reason);
  if (const auto* refusal = std::get_if<alerts::Refusal>(&declined)) co_return refused(*refusal);
  auto& response = std::get<AlertResponse>(declined);
  response.set_time_zone(services.config.time_zone());
  co_return json(200, response);
}

boost::asio::awaitable<Response> approval_status(Services& services, Request& request) {
  const std::string id = request.path_params["id"];
  if (!alerts::is_alert_id(id)) {
    co_return no_alert(id);
  }
  if (auto refusal = co_await refuse_approval_link(services, request, id)) co_return *refusal;
  auto status = co_await alerts::read_approval(services.redis, id);
  if (!status) co_return unavailable();
  if (!*status) co_return no_alert(id);
  ApprovalStatus& answer = **status;
  const auth::Principal& who = *request.principal;
  redis::Command token{"HGET", keys::alert(id), std::string(keys::field::kCreatedByToken)};
  auto created_by_token =
      redis::decode<std::optional<std::string>>(co_await services.redis.exec(std::move(token)));
  if (!created_by_token) co_return unavailable();
  // Absent reads as "" (an alert created before tokens were recorded).
  answer.set_you_created(created_by_token->value_or("") == who.token_id ||
                         alerts::same_name(answer.created_by(), who.name));
  if (const auto exp = request.query_param("exp")) {
    answer.set_link_checked(true);
    answer.set_link_expires_at_unix(std::stoll(*exp));  // checked above
  }
  co_return json(200, answer);
}

boost::asio::awaitable<Response> send_test(Store store, Services& services, Request& request) {
  const std::string id = request.path_params["id"];
  const auth::Principal who = *request.principal;
  if (who.account_id.empty()) {
    co_return error_response(400,
                             "a test goes to the signed-in officer's own mobile and email: this "
                             "request was made with an API token, which has none; sign in to "
                             "the console with your account",
                             "Authorization");
  }
  AlertTestRequest body;
  std::string parse_error;
  if (!request.body.empty() && !http::from_json(request.body, &body, &parse_error)) {
    co_return error_response(400, "malformed JSON body: " + parse_error, "language");
  }
  const std::string language = body.language() == "en" ? "en" : "fr";
  auto account = co_await services.accounts.get(who.account_id);
  if (!account) co_return unavailable();
  if (!*account || (*account)->disabled()) {
    co_return error_response(403, "your account is disabled or gone", "Authorization");
  }
  auto previewed = co_await store->preview(id);
  if (const auto* refusal = std::get_if<alerts::Refusal>(&previewed)) co_return refused(*refusal);
  auto wait =
      co_await take_slot(services.redis, keys::test_sent(id, who.account_id), kTestEverySeconds);
  if (!wait) co_return unavailable();
  if (*wait > 0) co_return too_soon("a test of this alert was sent to you moments ago", *wait);

  const AlertPreview& preview = std::get<AlertResponse>(previewed).preview();
  const AccountRecord& me = **account;
  AlertTestResponse answer;
  answer.set_alert_id(id);
  answer.set_language(language);
  const std::string key = "test:" + id + ":" + std::to_string(services.clock.now_ms());
  // The language asked for, else the alert's first (preview.cpp renders one per language).
  auto pick = [&language](const auto& list) -> decltype(&list[0]) {
    for (const auto& item : list) {
      if (item.language() == language) return &item;
    }
    return list.empty() ? nullptr : &list[0];
  };
  if (const auto* sms = pick(preview.sms()); sms && !me.mobile().empty()) {
    services.send_direct(direct_message(me, "sms", "[TEST] " + sms->text(), "", key, language));
    answer.set_sms_sent(true);
  }
  if (const auto* email = pick(preview.email()); email && !me.email().empty()) {
    services.send_direct(
        direct_message(me, "email", email->body(), "[TEST] " + email->subject(), key, language));
    answer.set_email_sent(true);
  }
  redis::Command entry{"XADD",
                       keys::audit_trail(id),
                       "*",
                       "actor",
                       who.name,
                       "action",
                       "alert.test",
                       "subject",
                       id,
                       "detail",
                       "language=" + language + " sms=" + (answer.sms_sent() ? "1" : "0") +
                           " email=" + (answer.email_sent() ? "1" : "0")};
  co_await services.redis.exec(std::move(entry));
  co_await alerts::relay(services.redis, id, alerts::Outbox::audit);
  spdlog::info("event=alert_test_sent id={} account={} sms={} email={}", id, who.account_id,
               answer.sms_sent(), answer.email_sent());
  co_return json(200, answer);
}

boost::asio::awaitable<Response> audit_trail(Services& services, Request& request) {
  const std::string id = request.path_params["id"];
  if (!alerts::is_alert_id(id)) {
    co_return no_alert(id);
  }
  redis::Command exists_read{"EXISTS", keys::alert(id)};
  auto exists = redis::decode<bool>(co_await services.redis.exec(std::move(exists_read)));
  if (!exists) co_return unavailable();
  if (!*exists) {
    co_return no_alert(id);
  }
  auto trail = co_await alerts::read_trail(services.redis, id, kTrailLimit);
  if (!trail) co_return unavailable();
  trail->set_time_zone(services.config.time_zone());
  co_return json(200, *trail);
}

}  // namespace

boost::asio::awaitable<std::optional<Response>> refuse_approval_link(Services& services,
                                                                     Request& request,
                                                                     std::string id) {
  const auto exp = request.query_param("exp");
  const auto sig = request.query_param("sig");
  if (!exp && !sig) co_return std::nullopt;
  auto secret = co_await alerts::approval_secret(services.redis, false);
  if (!secret) co_return unavailable();
  const auto verdict = alerts::check_approval_link(*secret, id, exp.value_or(""), sig.value_or(""),
                                                   services.clock.now_ms() / 1000);
  if (verdict != alerts::LinkVerdict::valid) {
    spdlog::info("event=approval_link_refused id={} reason={}", id,
                 verdict == alerts::LinkVerdict::expired ? "expired" : "forged");
    co_return error_response(verdict == alerts::LinkVerdict::expired ? 410 : 403,
                             alerts::link_refusal(verdict), "sig");
  }
  redis::Command read{"HMGET", keys::alert(id), std::string(keys::field::kCreatedBy),
                      std::string(keys::field::kCreatedByToken)};
  auto creator = redis::decode<std::pair<std::optional<std::string>, std::optional<std::string>>>(
      co_await services.redis.exec(std::move(read)));
  if (!creator) co_return unavailable();
  const auth::Principal& who = *request.principal;
  // An absent field reads as "".
  if (creator->second.value_or("") == who.token_id ||
      alerts::same_name(creator->first.value_or(""), who.name)) {
    co_return error_response(403, "you created this alert; another executive must approve it",
                             "created_by");
  }
  co_return std::nullopt;
}

void add_approval_routes(http::Router& router, Services& services) {
  const http::RouteOptions officers{.roles = {auth::Role::admin, auth::Role::executive},
                                    .needs_redis = true};
  auto store = std::make_shared<alerts::AlertStore>(services.redis, services.config);
  router.add(
      "POST", "/v1/alerts/{id}:request-approval", officers,
      [store, &services](Request& request) { return request_approval(store, services, request); });
  router.add("POST", "/v1/alerts/{id}:decline", officers,
             [store, &services](Request& request) { return decline(store, services, request); });
  router.add("GET", "/v1/alerts/{id}/approval", officers,
             [&services](Request& request) { return approval_status(services, request); });
  router.add("POST", "/v1/alerts/{id}:test", officers,
             [store, &services](Request& request) { return send_test(store, services, request); });
  router.add("GET", "/v1/alerts/{id}/audit", officers,
             [&services](Request& request) { return audit_trail(services, request); });
}

}  // namespace tocsin::api
