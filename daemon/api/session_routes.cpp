// Signing in by a one-time code, and out (README.md, "Accounts and sign-in").
// The two sign-in routes are public: they answer the same whether or not an account has
// the address, so they do not tell who has one.

#include <spdlog/spdlog.h>

#include "adapters/gateway.h"
#include "alerts/sms_encoding.h"
#include "api/account_view.h"
#include "api/responses.h"
#include "api/routes.h"
#include "api/services.h"
#include "audit/audit_keys.h"
#include "auth/account_store.h"
#include "auth/one_time_code.h"
#include "auth/session_store.h"
#include "auth/sign_in_limits.h"
#include "auth/sign_in_message.h"
#include "auth/token.h"
#include "http/cookie.h"
#include "http/json.h"
#include "http/router.h"
#include "http/same_origin.h"
#include "log/log.h"
#include "members/phone.h"
#include "proto/config.pb.h"
#include "proto/tocsin.pb.h"
#include "redis/client.h"
#include "util/clock.h"

namespace tocsin::api {
namespace {

using http::error_response;
using http::Request;
using http::Response;

// A mobile (to E.164) or an email (to lower case) as the account would hold it.
struct Address {
  std::string normalized;
  std::string channel;  // "sms" or "email"
};

std::optional<Address> parse_address(const std::string& raw, std::string* error) {
  if (raw.find('@') != std::string::npos) {
    auto email = members::normalize_email(raw, error);
    if (!email) return std::nullopt;
    return Address{*email, "email"};
  }
  auto mobile = members::normalize_phone(raw, "CA", error);
  if (!mobile) return std::nullopt;
  return Address{*mobile, "sms"};
}

// The sign-in forms are posted by the dashboard's script: one posted from another site's
// page (logging a victim into the attacker's account) is refused. A request that tells
// nothing (curl) may go on: it holds no session to abuse.
std::optional<Response> refuse_foreign(const Request& request, const Services& services) {
  if (http::form_origin(request.header("sec-fetch-site"), request.header("origin"),
                        services.config.http().public_url()) == http::FormOrigin::foreign) {
    return error_response(403, "refused: sign-in requests must come from the dashboard's page",
                          "Origin");
  }
  return std::nullopt;
}

bool secure_cookie(const Services& services) {
  return services.config.http().public_url().starts_with("https://");
}

// An audit entry outside a transaction (a refused sign-in changes nothing else). Callers
// build it before their co_await: g++ 12 mishandles temporaries (a conditional's above
// all) in co_await operands.
redis::Command audit_entry(std::string actor, std::string action, std::string subject,
                           std::string detail) {
  return {"XADD",
          std::string(audit::keys::kAudit),
          "*",
          "actor",
          std::move(actor),
          "action",
          std::move(action),
          "subject",
          std::move(subject),
          "detail",
          std::move(detail)};
}

template <class Message>
std::optional<Response> parse_body(const Request& request, Message* body) {
  std::string parse_error;
  if (!http::from_json(request.body, body, &parse_error)) {
    return error_response(400, "malformed JSON body: " + parse_error);
  }
  return std::nullopt;
}

Response limited(auth::LimitScope scope, bool attempts) {
  Response response = error_response(429, auth::limit_message(scope, attempts));
  response.headers.emplace_back("Retry-After", std::to_string(auth::kLimitWindowSeconds));
  return response;
}

boost::asio::awaitable<Response> request_code(Services& services, Request& request) {
  if (auto refused = refuse_foreign(request, services)) co_return *refused;
  SignInCodeRequest body;
  if (auto bad = parse_body(request, &body)) co_return *bad;
  std::string error;
  const auto address = parse_address(body.address(), &error);
  if (!address) {
    co_return error_response(400, "not a mobile number or an email address: " + error, "address");
  }
  const std::string client_counter = "code:client:" + request.client;
  auto client_count = co_await services.sessions.count(client_counter);
  if (!client_count) co_return unavailable();
  // Counted per address whether or not an account has it: were only known addresses
  // limited, a 429 would tell a stranger which addresses have an account. The key holds a
  // hash, not the address.
  const std::string address_counter = "code:address:" + auth::hash_token(address->normalized);
  auto address_count = co_await services.sessions.count(address_counter);
  if (!address_count) co_return unavailable();
  auto account = co_await services.accounts.find_by_address(address->normalized);
  if (!account) co_return unavailable();
  const bool can_sign_in = *account && !(*account)->disabled();
  int64_t account_count = *address_count;
  if (can_sign_in) {
    // An account's mobile and email share its limit.
    const std::string account_counter = "code:account:" + (*account)->id();
    auto counted = co_await services.sessions.count(account_counter);
    if (!counted) co_return unavailable();
    account_count = std::max(account_count, *counted);
  }
  if (const auto scope = auth::code_request_limit(account_count, *client_count)) {
    // One audit entry per window and limit, not one per refused request.
    const int64_t over = *scope == auth::LimitScope::client ? *client_count : account_count;
    const int64_t limit = *scope == auth::LimitScope::client ? auth::kCodeRequestsPerClient
                                                             : auth::kCodeRequestsPerAccount;
    if (over == limit + 1) {
      redis::Command entry =
          audit_entry(can_sign_in ? (*account)->name() : "unknown", "sign_in.limited",
                      can_sign_in ? (*account)->id() : "",
                      std::string("limit=code_requests_per_") +
                          (*scope == auth::LimitScope::client ? "client" : "address"));
      co_await services.redis.exec(std::move(entry));
    }
    co_return limited(*scope, false);
  }
  if (can_sign_in) {
    const AccountRecord& who = **account;
    const std::string code = auth::generate_code();
    const std::string salt = auth::generate_salt();
    const std::string hash = auth::hash_code(salt, code);
    const int64_t expires_at_ms = services.clock.now_ms() + auth::kCodeLifetimeMs;
    auto stored =
        co_await services.sessions.store_code(who, hash, salt, expires_at_ms, address->channel);
    if (!stored) co_return unavailable();
    const auto words = auth::sign_in_message(code, body.language());
    adapters::OutgoingMessage message;
    message.member_id = "account:" + who.id();
    message.channel = address->channel;
    message.to = address->normalized;
    message.language = body.language() == "en" ? "en" : "fr";
    message.text = words.text;
    message.email_subject = words.subject;
    message.segments =
        address->channel == "sms" ? static_cast<int>(alerts::measure_sms(words.text).segments) : 1;
    // Unique per code: gateways derive their message id from it.
    message.idempotency_key = "sign_in:" + who.id() + ":" + salt.substr(0, 16);
    services.send_direct(std::move(message));
    spdlog::info("event=sign_in_code_sent account={} channel={}", who.id(), address->channel);
  }
  SignInCodeResponse answer;
  answer.set_message(
      "if an account has this address, a code is on its way; it works once, for 10 minutes");
  Response response;
  response.status = 202;
  response.body = http::to_json(answer);
  co_return response;
}

std::string failure_text(auth::CodeVerdict verdict, int attempt) {
  switch (verdict) {
    case auth::CodeVerdict::wrong:
      if (attempt < auth::kAttemptsPerCode) {
        const int left = auth::kAttemptsPerCode - attempt;
        return "wrong code; " + std::to_string(left) + (left == 1 ? " try" : " tries") +
               " left for this code";
      }
      return "wrong code; this code no longer works, ask for a new one";
    case auth::CodeVerdict::expired:
      return "this code has expired (codes work for 10 minutes); ask for a new one";
    default:
      return "no code is waiting for this address; ask for a new one";
  }
}

std::string_view verdict_name(std::optional<auth::CodeVerdict> verdict) {
  if (!verdict) return "no_code";
  switch (*verdict) {
    case auth::CodeVerdict::accepted:
      return "used_meanwhile";
    case auth::CodeVerdict::wrong:
      return "wrong_code";
    case auth::CodeVerdict::expired:
      return "expired";
    case auth::CodeVerdict::exhausted:
      return "attempts_exhausted";
  }
  return "unknown";
}

boost::asio::awaitable<Response> sign_in(Services& services, Request& request) {
  if (auto refused = refuse_foreign(request, services)) co_return *refused;
  SignInRequest body;
  if (auto bad = parse_body(request, &body)) co_return *bad;
  std::string error;
  const auto address = parse_address(body.address(), &error);
  if (!address) {
    co_return error_response(400, "not a mobile number or an email address: " + error, "address");
  }
  if (!auth::is_code_format(body.code())) {
    co_return error_response(400, "a sign-in code is 6 digits", "code");
  }
  const std::string client_counter = "attempt:client:" + request.client;
  auto client_count = co_await services.sessions.count(client_counter);
  if (!client_count) co_return unavailable();
  if (*client_count > auth::kAttemptsPerClient) {
    if (*client_count == auth::kAttemptsPerClient + 1) {
      redis::Command entry =
          audit_entry("unknown", "sign_in.limited", "", "limit=attempts_per_client");
      co_await services.redis.exec(std::move(entry));
    }
    co_return limited(auth::LimitScope::client, true);
  }
  auto account = co_await services.accounts.find_by_address(address->normalized);
  if (!account) co_return unavailable();
  std::optional<auth::CodeVerdict> verdict;
  int attempt = 0;
  if (*account && !(*account)->disabled()) {
    const int64_t now_ms = services.clock.now_ms();
    const std::string account_id = (*account)->id();
    auto taken = co_await services.sessions.take_attempt(account_id, now_ms);
    if (!taken) co_return unavailable();
    if (*taken) {
      attempt = (*taken)->attempt;
      verdict = auth::judge_code(**taken, body.code(), now_ms);
      // The last allowed attempt deleted the code already; otherwise whoever deletes it
      // first wins, so a code signs in once.
      if (verdict == auth::CodeVerdict::accepted && attempt < auth::kAttemptsPerCode) {
        auto spent = co_await services.sessions.spend_code(account_id);
        if (!spent) co_return unavailable();
        if (!*spent) verdict.reset();
      }
    }
  }
  if (verdict != auth::CodeVerdict::accepted) {
    const bool known = *account && !(*account)->disabled();
    redis::Command entry = audit_entry(
        known ? (*account)->name() : "unknown", "sign_in.failed", known ? (*account)->id() : "",
        "reason=" + std::string(known ? verdict_name(verdict) : "unknown_address") +
            " channel=" + address->channel);
    co_await services.redis.exec(std::move(entry));
    spdlog::info("event=sign_in_failed account={} reason={}", known ? (*account)->id() : "-",
                 known ? verdict_name(verdict) : "unknown_address");
    co_return error_response(
        401, failure_text(verdict.value_or(auth::CodeVerdict::exhausted), attempt), "code");
  }
  const AccountRecord& who = **account;
  auto session = co_await services.sessions.open(who);
  if (!session) co_return unavailable();
  spdlog::info("event=sign_in account={} channel={}", who.id(), address->channel);
  const auto max_age =
      std::chrono::duration_cast<std::chrono::seconds>(services.sessions.limits().absolute).count();
  // Who signed in, without the addresses: the page has no use for them.
  AccountView view = account_view(who);
  view.clear_mobile();
  view.clear_email();
  Response response;
  response.status = 201;
  response.body = http::to_json(view);
  response.headers.emplace_back("Set-Cookie",
                                http::session_cookie(*session, max_age, secure_cookie(services)));
  response.headers.emplace_back("Cache-Control", "no-store");
  co_return response;
}

boost::asio::awaitable<Response> sign_out(Services& services, Request& request, bool everywhere) {
  const auth::Principal& who = *request.principal;
  if (who.session_key.empty()) {
    co_return error_response(400,
                             "this request was made with an API token, not a dashboard session: "
                             "revoke a token with tocsin token revoke",
                             "Authorization");
  }
  auto ended = co_await services.sessions.close(who, everywhere);
  if (!ended) co_return unavailable();
  spdlog::info("event={} account={} sessions_ended={}",
               everywhere ? "sign_out_everywhere" : "sign_out", who.account_id, *ended);
  Response response;
  response.body = "{\"sessionsEnded\":" + std::to_string(*ended) + "}";
  response.headers.emplace_back("Set-Cookie",
                                http::cleared_session_cookie(secure_cookie(services)));
  co_return response;
}

}  // namespace

void add_session_routes(http::Router& router, Services& services) {
  router.add("POST", "/v1/sessions:code", {.needs_redis = true},
             [&services](Request& request) { return request_code(services, request); });
  router.add("POST", "/v1/sessions", {.needs_redis = true},
             [&services](Request& request) { return sign_in(services, request); });
  const http::RouteOptions anyone{
      .roles = {auth::Role::admin, auth::Role::executive, auth::Role::coordinator},
      .needs_redis = true};
  router.add("POST", "/v1/session:sign-out", anyone,
             [&services](Request& request) { return sign_out(services, request, false); });
  router.add("POST", "/v1/session:sign-out-everywhere", anyone,
             [&services](Request& request) { return sign_out(services, request, true); });
}

}  // namespace tocsin::api
