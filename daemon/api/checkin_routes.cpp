// Check-in at the door or the bus (issue 18, item 5; daemon/checkin/README.md):
//   POST /v1/alerts/{id}/checkins           {code} (a QR code's payload or a short code) or
//                                           {memberId}: records the member present
//   GET  /v1/alerts/{id}/checkins:search?q= the alert's yes members of the caller's regions
//                                           whose name or number matches, at most 20
// For a coordinator of the member's region, an executive or an admin. A coordinator asking
// about another region's member gets 403 and nothing changes; both routes hand out names
// and write an audit entry.

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <optional>

#include "alerts/alert_keys.h"
#include "alerts/alert_store.h"
#include "api/responses.h"
#include "api/routes.h"
#include "api/services.h"
#include "audit/audit_keys.h"
#include "auth/region_scope.h"
#include "checkin/checkin_code.h"
#include "checkin/checkin_store.h"
#include "config/config.h"
#include "http/json.h"
#include "http/router.h"
#include "log/log.h"
#include "members/member_keys.h"
#include "members/text_fold.h"
#include "proto/checkin.pb.h"
#include "proto/tocsin.pb.h"
#include "redis/client.h"
#include "redis/decode.h"
#include "turnout/rsvp_record.h"
#include "members/turnout_field.h"
#include "util/clock.h"

namespace tocsin::api {
namespace {

namespace asio = boost::asio;
namespace keys = alerts::keys;
using http::error_response;
using http::Request;
using http::Response;

constexpr int kSearchLimit = 20;
constexpr size_t kMaxMemberId = 64;

// While the alert is live: its counts are on the event stream then (events/
// turnout_publisher.h follows sending and sent alerts), so a check-in shows on every
// dashboard. Close an alert after its event, not before.
bool takes_checkins(const std::string& state) {
  return state == keys::state::kSending || state == keys::state::kSent;
}

bool plausible_member_id(std::string_view id) {
  if (id.empty() || id.size() > kMaxMemberId) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_' || c == '.';
  });
}

// The region parts whose counts the caller sees: a coordinator's regions, else the alert's.
asio::awaitable<std::optional<std::vector<std::string>>> counted_regions(
    redis::Client& redis, const std::string& id, const auth::Principal& who) {
  std::vector<std::string> parts;
  if (who.role == auth::Role::coordinator) {
    for (const auto& region : who.regions) parts.push_back(turnout::key_part(members::fold(region)));
    co_return parts;
  }
  redis::Command members{"SMEMBERS", keys::regions(id)};
  auto all = redis::decode<std::vector<std::string>>(co_await redis.exec(std::move(members)));
  if (!all) co_return std::nullopt;
  co_return std::move(*all);
}

// present and yes over the caller's regions, for the scanner's "present N / yes M".
asio::awaitable<bool> add_counts(redis::Client& redis, const std::string& id,
                                 const auth::Principal& who, CheckinResponse& response) {
  auto parts = co_await counted_regions(redis, id, who);
  if (!parts) co_return false;
  if (parts->empty()) co_return true;
  std::vector<redis::Command> reads;
  for (const auto& part : *parts) {
    reads.push_back({"HGET", keys::day(id), part + "|all|present"});
    reads.push_back({"HGET", keys::tally(id), part + "|all|yes"});
  }
  // Per region part: its present count, then its yes count (absent: 0).
  auto got = redis::decode_each<redis::Rest<std::optional<std::string>>>(
      co_await redis.exec_pipeline(std::move(reads)));
  if (!got) co_return false;
  const auto& counts = std::get<0>(*got).values;
  if (counts.size() != parts->size() * 2) co_return false;
  int64_t present = 0, yes = 0;
  for (size_t i = 0; i < parts->size(); ++i) {
    present += std::atoll(counts[2 * i].value_or("").c_str());
    yes += std::atoll(counts[2 * i + 1].value_or("").c_str());
  }
  response.set_present(static_cast<int32_t>(present));
  response.set_yes(static_cast<int32_t>(yes));
  co_return true;
}

struct Identified {
  std::string member_id;
  std::string how;
};

// The member a request names, or the refusal. Nothing is written.
asio::awaitable<std::variant<Identified, Response>> identify(checkin::CheckinStore& store,
                                                             const std::string& id,
                                                             const CheckinRequest& body) {
  if (!body.member_id().empty()) {
    if (!plausible_member_id(body.member_id())) {
      co_return error_response(400, "memberId is not a member number", "memberId");
    }
    co_return Identified{body.member_id(), "manual"};
  }
  if (body.code().empty()) {
    co_return error_response(400, "give a code (scanned or typed) or a memberId", "code");
  }
  const auto code = checkin::read_code(body.code());
  using Kind = checkin::ScannedCode::Kind;
  if (code.kind == Kind::malformed) {
    co_return error_response(400, "this code is not valid: not a check-in code", "code");
  }
  if (code.kind == Kind::short_code) {
    auto member = co_await store.member_of_code(id, code.short_code);
    if (!member) co_return unavailable();
    if (member->empty()) {
      co_return error_response(404,
                               "no member has the check-in code " + code.short_code +
                                   " for this alert (a code of another alert's SMS?)",
                               "code");
    }
    co_return Identified{*member, "manual"};
  }
  auto secret = co_await store.secret(false);
  if (!secret) co_return unavailable();
  // Forged is judged before the alert, so an altered alert id reads as forged.
  if (!checkin::tag_matches(*secret, code.alert_id, code.member_id, code.tag)) {
    co_return error_response(400, "this code is not valid (altered, or not made by this daemon)",
                             "code");
  }
  if (code.alert_id != id) {
    co_return error_response(400, "this code is for another alert", "code");
  }
  co_return Identified{code.member_id, "scan"};
}

asio::awaitable<Response> check_in(Services& services, checkin::CheckinStore& store,
                                   Request& request) {
  const std::string id = request.path_params.at("id");
  CheckinRequest body;
  std::string parse_error;
  if (!http::from_json(request.body, &body, &parse_error)) {
    co_return error_response(400, "malformed JSON body: " + parse_error, "body");
  }
  if (!alerts::is_alert_id(id)) co_return no_alert(id);
  redis::Command read_state{"HGET", keys::alert(id), std::string(keys::field::kState)};
  auto stored_state = redis::decode<std::optional<std::string>>(
      co_await services.redis.exec(std::move(read_state)));
  if (!stored_state) co_return unavailable();
  if (!*stored_state) co_return no_alert(id);
  const std::string& state = **stored_state;

  auto identified = co_await identify(store, id, body);
  if (auto* refused = std::get_if<Response>(&identified)) co_return std::move(*refused);
  const auto [member_id, how] = std::get<Identified>(identified);

  std::vector<redis::Command> reads{
      {"HGET", members::keys::index(member_id), std::string(members::keys::field::kRegion)},
      {"GET", members::keys::member(member_id)}};
  // The member's region and record; absent: nullopt.
  auto read = redis::decode_each<std::optional<std::string>, std::optional<std::string>>(
      co_await services.redis.exec_pipeline(std::move(reads)));
  if (!read) co_return unavailable();
  const auto& [region, stored_member] = *read;
  Member member;
  const bool known = stored_member && member.ParseFromString(*stored_member);
  if (!known && !region) {
    co_return error_response(404, "no member with number " + member_id, "memberId");
  }
  // Before anything about the member's alert: a coordinator learns nothing of members
  // outside their regions, and nothing is written.
  const auto& who = *request.principal;
  if (!auth::sees_region(who, region.value_or(""))) {
    co_return error_response(403, "this member is not in your regions", "memberId");
  }
  if (!takes_checkins(state)) {
    co_return error_response(409, "this alert takes no check-in (it is " + state + ")", "state");
  }

  checkin::CheckinRequest record{id, member_id, how, who.name, services.clock.now_ms(), true};
  auto outcome = co_await store.check_in(std::move(record));
  if (!outcome) co_return unavailable();
  using Status = checkin::CheckinOutcome::Status;
  if (outcome->status == Status::no_alert) co_return no_alert(id);
  if (outcome->status == Status::not_in_alert) {
    co_return error_response(
        404, "member " + member_id + " is not among this alert's members (not in its audience)",
        "memberId");
  }
  CheckinResponse response;
  response.set_status(outcome->status == Status::checked_in ? "checked_in"
                                                            : "already_checked_in");
  response.set_alert_id(id);
  response.set_member_id(member_id);
  response.set_first_name(member.first_name());
  response.set_last_name(member.last_name());
  response.set_at_ms(outcome->at_ms);
  response.set_how(outcome->how);
  response.set_by(outcome->by);
  response.set_answer(outcome->answer);
  if (!co_await add_counts(services.redis, id, who, response)) co_return unavailable();
  spdlog::info("event=checkin alert={} member={} how={} status={} by={}", id, member_id, how,
               response.status(), log::quote(who.name));
  co_return json(200, response);
}

// Each word of the query is in the folded name, or the query is the member number.
bool matches(const std::vector<std::string>& words, const std::string& folded_query,
             const std::string& member_id, const Member& member) {
  if (members::fold(member_id) == folded_query) return true;
  const std::string name = members::fold(member.first_name() + " " + member.last_name());
  return std::all_of(words.begin(), words.end(), [&](const std::string& word) {
    return name.find(word) != std::string::npos;
  });
}

asio::awaitable<Response> search(Services& services, Request& request) {
  const std::string id = request.path_params.at("id");
  const std::string query = members::fold(request.query_param("q").value_or(""));
  if (query.size() < 2) {
    co_return error_response(400, "q must hold at least 2 characters of a name or number", "q");
  }
  if (!alerts::is_alert_id(id)) co_return no_alert(id);
  redis::Command read_rsvps{"HGETALL", keys::rsvp(id)};
  auto rsvps = redis::decode<std::map<std::string, std::string>>(
      co_await services.redis.exec(std::move(read_rsvps)));
  redis::Command read_exists{"EXISTS", keys::alert(id)};
  auto exists = redis::decode<bool>(co_await services.redis.exec(std::move(read_exists)));
  if (!rsvps || !exists) co_return unavailable();
  if (!*exists) co_return no_alert(id);

  // The yes members of the caller's regions (the RSVP carries the member's region), then
  // their names. A coordinator's search reads only their regions' members.
  const auto& who = *request.principal;
  std::vector<std::string> ids;
  for (const auto& [member, value] : *rsvps) {
    const auto record = replies::decode(value);
    if (!record || record->answer != "yes" || !auth::sees_region(who, record->region)) continue;
    ids.push_back(member);
  }
  std::vector<redis::Command> reads;
  for (const auto& member : ids) {
    reads.push_back({"GET", members::keys::member(member)});
    reads.push_back({"HGET", keys::present(id), member});
  }
  // Per member: their record, then when they checked in (absent: nullopt).
  std::vector<std::optional<std::string>> got;
  if (!reads.empty()) {
    auto replies = redis::decode_each<redis::Rest<std::optional<std::string>>>(
        co_await services.redis.exec_pipeline(std::move(reads)));
    if (!replies || std::get<0>(*replies).values.size() != ids.size() * 2) co_return unavailable();
    got = std::move(std::get<0>(*replies).values);
  }
  std::vector<std::string> words;
  for (size_t start = 0; start < query.size();) {
    const size_t end = std::min(query.find(' ', start), query.size());
    if (end > start) words.push_back(query.substr(start, end - start));
    start = end + 1;
  }
  CheckinSearchResponse response;
  response.set_alert_id(id);
  std::vector<CheckinCandidate> found;
  for (size_t i = 0; i < ids.size(); ++i) {
    Member member;
    if (!got[2 * i] || !member.ParseFromString(*got[2 * i])) continue;
    if (!matches(words, query, ids[i], member)) continue;
    CheckinCandidate candidate;
    candidate.set_member_id(ids[i]);
    candidate.set_first_name(member.first_name());
    candidate.set_last_name(member.last_name());
    candidate.set_local(member.local());
    if (got[2 * i + 1]) {
      candidate.set_present(true);
      candidate.set_present_at_ms(std::atoll(got[2 * i + 1]->c_str()));
    }
    found.push_back(std::move(candidate));
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
    return std::tie(a.last_name(), a.first_name(), a.member_id()) <
           std::tie(b.last_name(), b.first_name(), b.member_id());
  });
  for (auto& candidate : found) {
    if (response.members_size() == kSearchLimit) {
      response.set_more(true);
      break;
    }
    *response.add_members() = std::move(candidate);
  }
  // Names handed out: audited, the query not (it may be a name).
  redis::Command audit{"XADD",   std::string(audit::keys::kAudit),
                       "*",      "actor",
                       who.name, "action",
                       "checkin.search", "subject",
                       id,       "detail",
                       "listed=" + std::to_string(response.members_size()) + " token=" + who.token_id};
  if (!redis::decode<redis::Ignore>(co_await services.redis.exec(std::move(audit)))) {
    co_return unavailable();
  }
  co_return json(200, response);
}

}  // namespace

void add_checkin_routes(http::Router& router, Services& services) {
  const std::vector<auth::Role> door = {auth::Role::admin, auth::Role::executive,
                                        auth::Role::coordinator};
  // Built here, before the Redis client connects, so its scripts load on connection.
  auto store = std::make_shared<checkin::CheckinStore>(services.redis);
  router.add("POST", "/v1/alerts/{id}/checkins", {.roles = door, .needs_redis = true},
             [&services, store](Request& request) { return check_in(services, *store, request); });
  router.add("GET", "/v1/alerts/{id}/checkins:search", {.roles = door, .needs_redis = true},
             [&services](Request& request) { return search(services, request); });
}

}  // namespace tocsin::api
