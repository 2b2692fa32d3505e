#include "replies/rsvp_link_check.h"

#include <chrono>
#include <optional>
#include <tuple>

#include "alerts/alert_keys.h"
#include "alerts/rfc3339.h"
#include "alerts/rsvp_link.h"
#include "redis/client.h"
#include "redis/decode.h"
#include "replies/rsvp_token.h"

namespace tocsin::replies {

namespace keys = alerts::keys;

bool takes_answers(std::string_view state, int64_t expires_at_ms, std::string_view event_time,
                   int64_t now_ms) {
  if (state != keys::state::kSending && state != keys::state::kSent) return false;
  if (expires_at_ms > 0 && now_ms >= expires_at_ms) return false;
  if (const auto event = alerts::parse_rfc3339(event_time)) {
    const int64_t event_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(event->time_since_epoch()).count();
    if (now_ms >= event_ms) return false;
  }
  return true;
}

boost::asio::awaitable<LinkCheck> check_rsvp_link(redis::Client& redis, std::string token,
                                                  int64_t now_ms) {
  LinkCheck check;
  const auto parsed = parse_rsvp_token(token);
  if (!parsed) {
    check.status = LinkCheck::Status::invalid;
    co_return check;
  }
  std::vector<redis::Command> first{{"GET", keys::code(parsed->code)},
                                    {"GET", std::string(alerts::kRsvpSecretKey)}};
  // The alert of the code, and the links' secret; nil when none.
  auto found = redis::decode_each<std::optional<std::string>, std::optional<std::string>>(
      co_await redis.exec_pipeline(std::move(first)));
  if (!found) co_return check;
  const std::optional<std::string>& code_alert = std::get<0>(*found);
  const std::optional<std::string>& link_secret = std::get<1>(*found);
  // No secret means no link was ever sent.
  if (!code_alert || !link_secret || link_secret->empty()) {
    check.status = LinkCheck::Status::invalid;
    co_return check;
  }
  const std::string alert_id = *code_alert;
  const std::string secret = *link_secret;
  std::vector<redis::Command> second{
      {"HGET", keys::links(alert_id), parsed->tag},
      {"HMGET", keys::alert(alert_id), std::string(keys::field::kProto),
       std::string(keys::field::kState), std::string(keys::field::kExpiresAtMs)}};
  // The link's member (nil: no such link), and the alert's proto, state and expiry.
  using Field = std::optional<std::string>;
  auto read = redis::decode_each<Field, std::tuple<Field, Field, Field>>(
      co_await redis.exec_pipeline(std::move(second)));
  if (!read) co_return check;
  const Field& link_member = std::get<0>(*read);
  const auto& [proto, state, expires] = std::get<1>(*read);
  check.status = LinkCheck::Status::invalid;
  if (!link_member || !rsvp_tag_matches(secret, alert_id, *link_member, parsed->tag)) {
    co_return check;
  }
  const std::string member_id = *link_member;
  if (!check.alert.ParseFromString(proto.value_or("")) || check.alert.id() != alert_id) {
    co_return check;
  }
  const int64_t expires_at_ms = std::strtoll(expires.value_or("").c_str(), nullptr, 10);
  if (!takes_answers(state.value_or(""), expires_at_ms, check.alert.event_time(), now_ms)) {
    check.status = LinkCheck::Status::closed;
    co_return check;
  }
  check.status = LinkCheck::Status::open;
  check.member_id = member_id;
  check.form_token = rsvp_form_token(secret, alert_id, member_id);
  co_return check;
}

}  // namespace tocsin::replies
