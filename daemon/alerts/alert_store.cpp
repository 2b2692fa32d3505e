#include "alerts/alert_store.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <map>

#include "alerts/alert_keys.h"
#include "alerts/alert_relay.h"
#include "alerts/alert_scripts.h"
#include "alerts/alert_state.h"
#include "alerts/alert_validation.h"
#include "alerts/approval_rule.h"
#include "alerts/audience_measure.h"
#include "alerts/audience_set.h"
#include "alerts/fleet_fields.h"
#include "alerts/pricing.h"
#include "alerts/queue_class.h"
#include "alerts/random_id.h"
#include "alerts/rfc3339.h"
#include "alerts/child_alert.h"
#include "log/log.h"
#include "members/audience.h"
#include "proto/config.pb.h"
#include "redis/client.h"
#include "redis/decode.h"

namespace tocsin::alerts {
namespace {

namespace field = keys::field;
using Fields = std::map<std::string, std::string>;

// Only the store writes and reads these, so they are not part of alert_keys.h's layout.
constexpr std::string_view kClosedBy = "closed_by";
constexpr std::string_view kClosedAtMs = "closed_at_ms";

Refusal not_found(const std::string& id) {
  return {404, "no alert with id \"" + id + "\"", "id"};
}

int64_t unix_ms(std::chrono::system_clock::time_point when) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(when.time_since_epoch()).count();
}

int64_t to_int(const std::string& text) {
  try {
    return text.empty() ? 0 : std::stoll(text);
  } catch (const std::exception&) {
    return 0;
  }
}

std::string get_field(const Fields& fields, std::string_view name) {
  const auto found = fields.find(std::string(name));
  return found == fields.end() ? std::string() : found->second;
}

// The stored Alert, with what changes after creation (kept in hash fields, which Lua
// scripts write) copied in. False when the hash holds no readable alert.
bool read_alert(const std::string& proto, const std::string& state, const std::string& approved_by,
                Alert* alert) {
  if (proto.empty() || !alert->ParseFromString(proto)) return false;
  alert->set_state(parse_state(state));
  alert->set_approved_by(approved_by);
  return true;
}

// HMGET alert:{id} proto state approved_by; a field absent reads as empty.
using StoredAlert =
    std::tuple<std::optional<std::string>, std::optional<std::string>, std::optional<std::string>>;
bool read_alert(const StoredAlert& stored, Alert* alert) {
  const auto& [proto, state, approved_by] = stored;
  return read_alert(proto.value_or(""), state.value_or(""), approved_by.value_or(""), alert);
}

// -ERR or a reply of another shape, rather than no reply at all.
bool is_bad_reply(std::error_code error) {
  return redis::bad_reply_as(error, std::make_error_code(std::errc::io_error)) ==
         std::make_error_code(std::errc::io_error);
}

// The alert:{id} fields every new alert is stored with, as field, value pairs appended to
// a creation script's ARGV.
void append_new_alert_fields(const Alert& alert, std::string_view state, const auth::Principal& who,
                             int64_t now_ms, int64_t expires_at_ms,
                             std::vector<std::string>& args) {
  for (std::string value :
       {std::string(field::kProto), alert.SerializeAsString(), std::string(field::kState),
        std::string(state), std::string(field::kKind), std::string(queue_class(alert.kind())),
        std::string(field::kCreatedBy), who.name, std::string(field::kCreatedByToken), who.token_id,
        std::string(field::kCreatedAtMs), std::to_string(now_ms), std::string(field::kExpiresAtMs),
        std::to_string(expires_at_ms)}) {
    args.push_back(std::move(value));
  }
  append_fleet_fields(alert, args);
}

// The first problem names the field; the text lists them all, so the officer fixes the
// file in one pass.
Refusal invalid(const std::vector<FieldProblem>& problems) {
  Refusal refusal{400, problems.front().reason, problems.front().field};
  for (size_t i = 1; i < problems.size(); ++i) {
    refusal.error += "; " + problems[i].field + ": " + problems[i].reason;
  }
  return refusal;
}

}  // namespace

bool is_alert_id(std::string_view text) {
  if (text.size() != 16) return false;
  for (char c : text) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

struct AlertStore::Transition {
  std::string allowed_from;  // ",draft,approved,"
  std::string_view to;
  std::string action;                 // audit action, "alert.approve"
  std::string wrong_state_rule;       // "only a draft alert can be approved"
  std::string detail;                 // audit detail
  std::string refused_creator_token;  // "" unless the creator may not do this
  std::string creator_refusal;        // the 403's text when they try
  std::vector<std::string> fields;    // field, value pairs written with the new state
};

AlertStore::AlertStore(redis::Client& redis, const config::Config& config)
    : redis_(redis), config_(config), audience_(redis), breakdown_(redis) {
  redis_.load_on_connect(create_alert_script());
  redis_.load_on_connect(transition_script());
}

boost::asio::awaitable<Outcome<AlertResponse>> AlertStore::create(Alert alert,
                                                                  auth::Principal who) {
  const auto now = std::chrono::system_clock::now();
  if (auto problems = validate_alert(alert, now); !problems.empty()) {
    co_return invalid(problems);
  }
  std::string audience_error;
  const auto expression = members::parse_audience(alert.audience(), &audience_error);
  if (!expression) co_return Refusal{400, audience_error, "audience"};
  if (auto nobody = co_await refuse_empty_audience(*expression, alert.audience())) {
    co_return *nobody;
  }

  put_seat_confirmation_wave(alert);
  alert.set_state(DRAFT);
  alert.set_created_by(who.name);
  alert.set_created_at_unix(unix_ms(now) / 1000);
  alert.clear_approved_by();
  // Only the daemon makes children (create_followup, create_wave_child).
  alert.clear_parent_id();
  alert.clear_target_group();
  alert.clear_wave_index();
  int64_t expires_at_ms = 0;
  if (const auto expires = parse_rfc3339(alert.expires_at())) expires_at_ms = unix_ms(*expires);

  // The code comes from a counter before the atomic write (it is inside the stored Alert,
  // which Lua cannot write): a failed creation only skips a code. A taken id (82 random
  // bits) or code (a counter reset by a restore) gets a fresh pair.
  // The code's claim and the index are keys of other hash slots than the alert's, so they
  // are written first, each on its own: a creation cut short leaves a code or an index
  // entry naming no alert, which every reader skips, never an alert missing from the index
  // (the list, the reports and the audit relay's sweep go by it).
  for (int attempt = 0; attempt < 3; ++attempt) {
    redis::Command next_code{"INCR", std::string(keys::kCodeSequence)};
    auto sequence = redis::decode<int64_t>(co_await redis_.exec(std::move(next_code)));
    if (!sequence) co_return unavailable();
    alert.set_id(random_id());
    alert.set_code("A" + std::to_string(*sequence));

    const std::string id = alert.id();
    redis::Command claim{"SET", keys::code(alert.code()), id, "NX"};
    auto claimed = redis::decode<std::optional<std::string>>(co_await redis_.exec(std::move(claim)));
    if (!claimed) co_return unavailable();
    if (!claimed->has_value()) continue;  // the code is taken
    redis::Command list{"ZADD", std::string(keys::kIndex), "NX", std::to_string(unix_ms(now)), id};
    if (!redis::decode<redis::Ignore>(co_await redis_.exec(std::move(list)))) co_return unavailable();

    std::vector<std::string> script_keys{keys::alert(id), keys::audit_trail(id)};
    std::vector<std::string> args{
        id, who.name, "code=" + alert.code() + " title=" + alert.title() + " token=" + who.token_id};
    append_new_alert_fields(alert, keys::state::kDraft, who, unix_ms(now), expires_at_ms, args);
    std::string why;
    auto created = redis::decode<int64_t>(
        co_await redis_.eval(create_alert_script(), std::move(script_keys), std::move(args)), &why);
    if (!created && !is_bad_reply(created.error())) co_return unavailable();
    if (!created) {
      spdlog::error("event=alert_create_failed error={}", log::quote(why));
      co_return Refusal{500, "the alert could not be stored", ""};
    }
    if (*created == 1) {
      co_await relay(redis_, id, Outbox::audit);
      spdlog::info("event=alert_created id={} code={} kind={} queue={} by={}", id, alert.code(),
                   AlertKind_Name(alert.kind()), queue_class(alert.kind()), log::quote(who.name));
      AlertResponse response;
      *response.mutable_alert() = std::move(alert);
      co_return response;
    }
    // The id is another alert's (82 random bits: never seen): its code must not lead there.
    redis::Command release{"DEL", keys::code(alert.code())};
    co_await redis_.exec(std::move(release));
  }
  co_return Refusal{500, "no free alert id or code; try again", ""};
}

boost::asio::awaitable<std::optional<Refusal>> AlertStore::refuse_empty_audience(
    const members::AudienceExpr& expression, const std::string& text) {
  auto count = co_await audience_.count(expression);
  if (!count) co_return unavailable();
  if (count->members > 0) co_return std::nullopt;
  auto why = co_await why_nobody(redis_, expression);
  if (!why) co_return unavailable();
  spdlog::info("event=alert_create_refused reason=empty_audience unknown_terms={}",
               count->unknown_terms.size());
  co_return Refusal{400, "the audience \"" + text + "\" holds no member: " + *why, "audience"};
}

boost::asio::awaitable<Outcome<AlertResponse>> AlertStore::create_followup(std::string parent_id,
                                                                           Alert request,
                                                                           auth::Principal who) {
  auto loaded = co_await load(parent_id);
  if (auto* refusal = std::get_if<Refusal>(&loaded)) co_return *refusal;
  const Alert& parent = std::get<Alert>(loaded);
  if (!parent.parent_id().empty()) {
    co_return Refusal{409, "this is a follow-up itself: follow up its alert " + parent.parent_id(),
                      "id"};
  }
  if (parent.state() != SENDING && parent.state() != SENT && parent.state() != CLOSED) {
    co_return Refusal{409,
                      "the alert is " + std::string(state_name(parent.state())) +
                          ": only an alert that has been sent can be followed up (change a "
                          "draft instead)",
                      "state"};
  }
  if (auto problems = validate_followup(parent, request); !problems.empty()) {
    co_return invalid(problems);
  }
  Alert child = make_followup_child(parent, request);
  auto created =
      co_await create_child(parent, std::move(child), "followup:" + random_id(), who, "");
  if (auto* refusal = std::get_if<Refusal>(&created)) co_return *refusal;
  co_return co_await get(std::get<std::string>(created));
}

boost::asio::awaitable<Outcome<std::string>> AlertStore::create_wave_child(std::string parent_id,
                                                                           int index) {
  auto loaded = co_await load(parent_id);
  if (auto* refusal = std::get_if<Refusal>(&loaded)) co_return *refusal;
  const Alert& parent = std::get<Alert>(loaded);
  if (parent.state() != SENDING && parent.state() != SENT) {
    co_return Refusal{409, "the alert is " + std::string(state_name(parent.state())), "state"};
  }
  if (index < 1 || index > parent.waves_size()) {
    co_return Refusal{404, "the alert has no wave " + std::to_string(index), "wave"};
  }
  const auth::Principal daemon{
      .name = "tocsind", .token_id = "", .role = auth::Role::admin, .regions = {}};
  // Approved with its parent: by the parent's approver, or its sender when it needed none.
  const std::string approver =
      parent.approved_by().empty() ? parent.created_by() : parent.approved_by();
  co_return co_await create_child(parent, make_wave_child(parent, index),
                                  "wave:" + std::to_string(index), daemon, approver);
}

boost::asio::awaitable<Outcome<std::string>> AlertStore::create_child(const Alert& parent,
                                                                      Alert child, std::string slot,
                                                                      const auth::Principal& who,
                                                                      std::string approved_by) {
  const auto now = std::chrono::system_clock::now();
  child.set_state(approved_by.empty() ? DRAFT : APPROVED);
  child.set_created_by(who.name);
  child.set_created_at_unix(unix_ms(now) / 1000);
  child.set_approved_by(approved_by);
  int64_t expires_at_ms = 0;
  if (const auto expires = parse_rfc3339(child.expires_at())) expires_at_ms = unix_ms(*expires);
  const std::string detail = "parent=" + parent.id() + " " + slot +
                             " group=" + child.target_group() + " title=" + child.title() +
                             " token=" + who.token_id;
  // Three steps, as the parent's keys and the child's carry different hash tags: the slot
  // reserved for an id under the parent's tag (with the parent's audit entry), the index,
  // then the child under its own. A wave run again after a crash finds the slot's id and
  // writes the child then; a child id whose alert is missing is skipped by every reader.
  std::vector<std::string> reserve_keys{keys::alert(parent.id()), keys::children(parent.id()),
                                        keys::audit_trail(parent.id())};
  std::vector<std::string> reserve_args{slot, random_id(), who.name, detail};
  std::string why;
  auto reserved = redis::decode<std::pair<std::string, std::string>>(
      co_await redis_.eval(reserve_child_script(), std::move(reserve_keys), std::move(reserve_args)),
      &why);
  if (!reserved && !is_bad_reply(reserved.error())) co_return unavailable();
  if (!reserved) {
    spdlog::error("event=alert_create_failed parent={} error={}", parent.id(), log::quote(why));
    co_return Refusal{500, "the alert could not be stored", ""};
  }
  if (reserved->first == "no_parent") co_return not_found(parent.id());
  if (reserved->first == "reserved") co_await relay(redis_, parent.id(), Outbox::audit);
  {
    child.set_id(reserved->second);
    const std::string& id = child.id();
    redis::Command list{"ZADD", std::string(keys::kIndex), "NX", std::to_string(unix_ms(now)), id};
    if (!redis::decode<redis::Ignore>(co_await redis_.exec(std::move(list)))) co_return unavailable();
    std::vector<std::string> script_keys{keys::alert(id), keys::audit_trail(id)};
    std::vector<std::string> args{id, parent.id(), who.name, detail};
    append_new_alert_fields(child,
                            approved_by.empty() ? keys::state::kDraft : keys::state::kApproved, who,
                            unix_ms(now), expires_at_ms, args);
    for (std::string value : {std::string(field::kParent), parent.id(),
                              std::string(field::kTargetGroup), child.target_group()}) {
      args.push_back(std::move(value));
    }
    if (!approved_by.empty()) {
      // Never equal to a creator's token, so the approval rule holds for the wave.
      for (std::string value : {std::string(field::kApprovedBy), approved_by,
                                std::string(field::kApprovedByToken), "parent:" + parent.id(),
                                std::string(field::kApprovedAtMs), std::to_string(unix_ms(now))}) {
        args.push_back(std::move(value));
      }
    }
    auto created = redis::decode<std::string>(
        co_await redis_.eval(create_child_script(), std::move(script_keys), std::move(args)), &why);
    if (!created && !is_bad_reply(created.error())) co_return unavailable();
    if (!created) {
      spdlog::error("event=alert_create_failed parent={} error={}", parent.id(), log::quote(why));
      co_return Refusal{500, "the alert could not be stored", ""};
    }
    if (*created == "created") {
      co_await relay(redis_, id, Outbox::audit);
      spdlog::info("event=alert_child_created id={} parent={} slot={} group={} by={}", id,
                   parent.id(), slot, child.target_group(), log::quote(who.name));
    }
    if (*created == "created" || *created == "exists") co_return id;
  }
  // The slot names an alert of another parent: 82 random bits make that never happen.
  spdlog::error("event=alert_create_failed parent={} slot={} error={}", parent.id(), slot,
                log::quote("the slot's child id is another alert's"));
  co_return Refusal{500, "no free alert id; try again", ""};
}

boost::asio::awaitable<Outcome<Alert>> AlertStore::load(const std::string& id) {
  if (!is_alert_id(id)) co_return not_found(id);
  redis::Command read{"HMGET", keys::alert(id), std::string(field::kProto),
                      std::string(field::kState), std::string(field::kApprovedBy)};
  auto reply = redis::decode<StoredAlert>(co_await redis_.exec(std::move(read)));
  if (!reply) co_return unavailable();
  Alert alert;
  if (!read_alert(*reply, &alert)) co_return not_found(id);
  co_return alert;
}

boost::asio::awaitable<Outcome<AlertResponse>> AlertStore::get(std::string id) {
  if (!is_alert_id(id)) co_return not_found(id);
  std::vector<redis::Command> reads{{"HGETALL", keys::alert(id)}, {"HGETALL", keys::counts(id)}};
  auto replies =
      redis::decode_each<Fields, Fields>(co_await redis_.exec_pipeline(std::move(reads)));
  if (!replies) co_return unavailable();
  const auto& [fields, counts] = *replies;
  AlertResponse response;
  if (!read_alert(get_field(fields, field::kProto), get_field(fields, field::kState),
                  get_field(fields, field::kApprovedBy), response.mutable_alert())) {
    co_return not_found(id);
  }
  for (const auto& [state, count] : counts) {
    (*response.mutable_delivery())[state] = to_int(count);
  }
  response.set_frozen_audience(to_int(get_field(fields, field::kAudienceSize)));
  response.set_cancelled_by(get_field(fields, field::kCancelledBy));
  co_return response;
}

boost::asio::awaitable<Outcome<std::vector<Alert>>> AlertStore::list(size_t limit) {
  std::vector<Alert> alerts;
  if (limit == 0) co_return alerts;
  redis::Command recent{"ZREVRANGE", std::string(keys::kIndex), "0", std::to_string(limit - 1)};
  auto ids = redis::decode<std::vector<std::string>>(co_await redis_.exec(std::move(recent)));
  if (!ids) co_return unavailable();
  if (ids->empty()) co_return alerts;
  std::vector<redis::Command> reads;
  for (const auto& id : *ids) {
    reads.push_back({"HMGET", keys::alert(id), std::string(field::kProto),
                     std::string(field::kState), std::string(field::kApprovedBy)});
  }
  auto replies = co_await redis_.exec_pipeline(std::move(reads));
  if (!replies) co_return unavailable();
  // One alert that does not read is left out of the list, not the list refused.
  for (const auto& reply : *replies) {
    Alert alert;
    if (auto stored = redis::decode<StoredAlert>(reply); stored && read_alert(*stored, &alert)) {
      alerts.push_back(std::move(alert));
    }
  }
  co_return alerts;
}

boost::asio::awaitable<Outcome<AlertResponse>> AlertStore::preview(std::string id) {
  auto loaded = co_await load(id);
  if (auto* refusal = std::get_if<Refusal>(&loaded)) co_return *refusal;
  const Alert& alert = std::get<Alert>(loaded);
  std::string audience_error;
  if (alert.parent_id().empty() && !members::parse_audience(alert.audience(), &audience_error)) {
    // Checked at creation: only a parser grown stricter since could get here.
    co_return Refusal{409, "the stored audience no longer reads: " + audience_error, "audience"};
  }

  auto measured = co_await measure_audience(redis_, breakdown_, alert);
  if (!measured) co_return unavailable();
  auto warnings = co_await preview_warnings(redis_, alert, measured->per_target);
  if (!warnings) co_return unavailable();

  const int64_t members = measured->members;
  const int64_t threshold = config_.alerts().approval_threshold();
  AlertResponse response;
  *response.mutable_preview() = make_preview(alert, measured->breakdown, pricing_from(config_),
                                             config_.time_zone(), config_.http().public_url());
  for (std::string& warning : *warnings) {
    response.mutable_preview()->add_warnings(std::move(warning));
  }
  *response.mutable_alert() = alert;
  response.set_audience_members(members);
  response.set_needs_second_approval(members > threshold);
  response.set_approval_threshold(threshold);
  co_return response;
}

boost::asio::awaitable<Outcome<int64_t>> AlertStore::count_audience(const Alert& alert) {
  if (alert.parent_id().empty()) {
    const auto expression = members::parse_audience(alert.audience());
    if (!expression) co_return Refusal{409, "the stored audience no longer reads", "audience"};
    auto count = co_await audience_.count(*expression);
    if (!count) co_return unavailable();
    co_return count->members;
  }
  // A child's group, counted in a private set gone after the count.
  const std::string key = keys::temporary_group(random_id());
  auto counted = co_await materialize_audience(redis_, alert, key);
  redis::Command cleanup{"UNLINK", key};  // freed by a Redis thread
  co_await redis_.exec(std::move(cleanup));
  if (!counted) co_return unavailable();
  co_return *counted;
}

boost::asio::awaitable<Outcome<AlertResponse>> AlertStore::approve(std::string id,
                                                                   auth::Principal who) {
  auto loaded = co_await load(id);
  if (auto* refusal = std::get_if<Refusal>(&loaded)) co_return *refusal;
  const Alert& alert = std::get<Alert>(loaded);
  if (alert.state() != DRAFT) {
    co_return Refusal{409,
                      "the alert is " + std::string(state_name(alert.state())) +
                          ": only a draft alert can be approved",
                      "state"};
  }
  // The audience as it is now; the send queue checks again on the frozen one.
  auto members = co_await count_audience(alert);
  if (auto* refusal = std::get_if<Refusal>(&members)) co_return *refusal;
  const int64_t audience = std::get<int64_t>(members);
  const int64_t threshold = config_.alerts().approval_threshold();
  const bool needs_second = audience > threshold;
  const std::string over_threshold = "this alert reaches " + std::to_string(audience) +
                                     " members, more than the approval threshold of " +
                                     std::to_string(threshold) +
                                     ": a second executive must approve it";
  // The creator's name never changes after creation: no race with the script below.
  if (needs_second && same_name(alert.created_by(), who.name)) {
    spdlog::info("event=alert_change_refused id={} action=alert.approve reason=creator_name by={}",
                 id, log::quote(who.name));
    co_return Refusal{403,
                      over_threshold + ", not its creator: this token bears the creator's name \"" +
                          alert.created_by() + "\"",
                      ""};
  }

  Transition change{
      .allowed_from = "," + std::string(keys::state::kDraft) + ",",
      .to = keys::state::kApproved,
      .action = "alert.approve",
      .wrong_state_rule = "only a draft alert can be approved",
      .detail = "audience=" + std::to_string(audience) + " threshold=" + std::to_string(threshold),
      .refused_creator_token = needs_second ? who.token_id : "",
      .creator_refusal = over_threshold + ", not the token that created it",
      .fields = {std::string(field::kApprovedBy), who.name, std::string(field::kApprovedByToken),
                 who.token_id, std::string(field::kApprovedAtMs),
                 std::to_string(unix_ms(std::chrono::system_clock::now()))},
  };
  co_return co_await transition(change, id, who);
}

boost::asio::awaitable<Outcome<AlertResponse>> AlertStore::record_approval_request(
    std::string id, auth::Principal who, ApprovalAsked asked) {
  std::string names;
  for (const auto& name : asked.names) names += (names.empty() ? "" : "\n") + name;
  const std::string draft(keys::state::kDraft);
  Transition change{
      .allowed_from = "," + draft + ",",
      .to = keys::state::kDraft,
      .action = "alert.approval_requested",
      .wrong_state_rule = "only a draft alert waits for approval",
      // Counts only: the executives' names are in the alert's hash, not in the stream.
      .detail = "sms=" + std::to_string(asked.sms) + " email=" + std::to_string(asked.email) +
                " executives=" + std::to_string(asked.names.size()),
      .fields = {std::string(field::kApprovalRequestedBy), who.name,
                 std::string(field::kApprovalRequestedAtMs),
                 std::to_string(unix_ms(std::chrono::system_clock::now())),
                 std::string(field::kApprovalNotifiedSms), std::to_string(asked.sms),
                 std::string(field::kApprovalNotifiedEmail), std::to_string(asked.email),
                 std::string(field::kApprovalNotifiedNames), names},
  };
  co_return co_await transition(change, id, who);
}

boost::asio::awaitable<Outcome<AlertResponse>> AlertStore::decline(std::string id,
                                                                   auth::Principal who,
                                                                   std::string reason) {
  auto loaded = co_await load(id);
  if (auto* refusal = std::get_if<Refusal>(&loaded)) co_return *refusal;
  const Alert& alert = std::get<Alert>(loaded);
  const std::string creator_refusal =
      "you created this alert; another executive must approve or decline it";
  if (same_name(alert.created_by(), who.name)) co_return Refusal{403, creator_refusal, ""};
  const std::string draft(keys::state::kDraft);
  Transition change{
      .allowed_from = "," + draft + ",",
      .to = keys::state::kDraft,
      .action = "alert.decline",
      .wrong_state_rule = "only a draft alert can be declined",
      .detail = "reason=" + reason,
      .refused_creator_token = who.token_id,
      .creator_refusal = creator_refusal,
      .fields = {std::string(field::kDeclinedBy), who.name, std::string(field::kDeclinedByToken),
                 who.token_id, std::string(field::kDeclinedAtMs),
                 std::to_string(unix_ms(std::chrono::system_clock::now())),
                 std::string(field::kDeclineReason), reason},
  };
  co_return co_await transition(change, id, who);
}

boost::asio::awaitable<Outcome<AlertResponse>> AlertStore::cancel(std::string id,
                                                                  auth::Principal who) {
  auto cancelled = co_await cancel_one(id, who);
  // Its waves and follow-ups still going stop with it: an executive who cancels a call
  // means every message of it. (Waves not yet due find it cancelled and do not run.)
  if (std::holds_alternative<AlertResponse>(cancelled)) co_await cancel_children(id, who);
  co_return cancelled;
}

boost::asio::awaitable<Outcome<AlertResponse>> AlertStore::cancel_one(const std::string& id,
                                                                      const auth::Principal& who) {
  Transition change{
      .allowed_from =
          "," + std::string(keys::state::kDraft) + "," + std::string(keys::state::kApproved) + "," +
          std::string(keys::state::kScheduled) + "," + std::string(keys::state::kSending) + ",",
      .to = keys::state::kCancelled,
      .action = "alert.cancel",
      .wrong_state_rule = "a sent, closed or cancelled alert cannot be cancelled",
      .fields = {std::string(field::kCancelledBy), who.name, std::string(field::kCancelledAtMs),
                 std::to_string(unix_ms(std::chrono::system_clock::now()))},
  };
  co_return co_await transition(change, id, who);
}

boost::asio::awaitable<void> AlertStore::cancel_children(const std::string& id,
                                                         const auth::Principal& who) {
  redis::Command children{"HVALS", keys::children(id)};
  auto ids = redis::decode<std::vector<std::string>>(co_await redis_.exec(std::move(children)));
  if (!ids) co_return;
  for (const auto& child : *ids) {
    // Children already sent or cancelled are refused, and left as they are.
    auto stopped = co_await cancel_one(child, who);
    if (const auto* refusal = std::get_if<Refusal>(&stopped); refusal && refusal->status >= 500) {
      spdlog::warn("event=alert_child_cancel_failed id={} child={}", id, child);
    }
  }
}

boost::asio::awaitable<Outcome<AlertResponse>> AlertStore::close(std::string id,
                                                                 auth::Principal who) {
  Transition change{
      .allowed_from = "," + std::string(keys::state::kSent) + ",",
      .to = keys::state::kClosed,
      .action = "alert.close",
      .wrong_state_rule = "only a sent alert can be closed",
      .fields = {std::string(kClosedBy), who.name, std::string(kClosedAtMs),
                 std::to_string(unix_ms(std::chrono::system_clock::now()))},
  };
  auto closed = co_await transition(change, id, who);
  // Answers are no longer taken: a reminder still going out would ask for one.
  if (std::holds_alternative<AlertResponse>(closed)) co_await cancel_children(id, who);
  co_return closed;
}

boost::asio::awaitable<Outcome<AlertResponse>> AlertStore::transition(const Transition& change,
                                                                      const std::string& id,
                                                                      const auth::Principal& who) {
  if (!is_alert_id(id)) co_return not_found(id);
  std::vector<std::string> script_keys{keys::alert(id), keys::audit_trail(id)};
  std::vector<std::string> args{
      id,
      change.allowed_from,
      std::string(change.to),
      who.name,
      change.action,
      change.detail + (change.detail.empty() ? "" : " ") + "token=" + who.token_id,
      change.refused_creator_token};
  args.insert(args.end(), change.fields.begin(), change.fields.end());
  std::string why;
  auto reply = redis::decode<std::pair<std::string, std::string>>(
      co_await redis_.eval(transition_script(), std::move(script_keys), std::move(args)), &why);
  if (!reply && !is_bad_reply(reply.error())) co_return unavailable();
  if (!reply) {
    spdlog::error("event=alert_transition_failed id={} action={} error={}", id, change.action,
                  log::quote(why));
    co_return Refusal{500, "the alert could not be changed", ""};
  }
  const auto& [outcome, previous] = *reply;
  if (outcome == "missing") co_return not_found(id);
  if (outcome == "ok") co_await relay(redis_, id, Outbox::audit);
  if (outcome != "ok") {
    spdlog::info("event=alert_change_refused id={} action={} reason={} state={} by={}", id,
                 change.action, outcome, previous, log::quote(who.name));
  }
  if (outcome == "wrong_state") {
    co_return Refusal{409, "the alert is " + previous + ": " + change.wrong_state_rule, "state"};
  }
  if (outcome == "creator") co_return Refusal{403, change.creator_refusal, ""};
  spdlog::info("event=alert_state_changed id={} action={} from={} to={} by={}", id, change.action,
               previous, change.to, log::quote(who.name));
  co_return co_await get(id);
}

}  // namespace tocsin::alerts
