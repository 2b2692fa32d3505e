#include "replies/rsvp_link_check.h"

#include <chrono>

#include "alerts/alert_keys.h"
#include "alerts/rfc3339.h"
#include "alerts/rsvp_link.h"
#include "redis/client.h"
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
  auto found = co_await redis.exec_pipeline(std::move(first));
  if (!found || found->size() != 2 || (*found)[0].is_error() || (*found)[1].is_error()) {
    co_return check;
  }
  const std::string alert_id = (*found)[0].str;
  const std::string secret = (*found)[1].str;
  // No secret means no link was ever sent.
  if ((*found)[0].is_nil() || (*found)[1].is_nil() || secret.empty()) {
    check.status = LinkCheck::Status::invalid;
    co_return check;
  }
  std::vector<redis::Command> second{
      {"HGET", keys::links(alert_id), parsed->tag},
      {"HMGET", keys::alert(alert_id), std::string(keys::field::kProto),
       std::string(keys::field::kState), std::string(keys::field::kExpiresAtMs)}};
  auto read = co_await redis.exec_pipeline(std::move(second));
  if (!read || read->size() != 2 || (*read)[0].is_error() || (*read)[1].elements.size() != 3) {
    co_return check;
  }
  const std::string member_id = (*read)[0].str;
  const auto& fields = (*read)[1].elements;
  check.status = LinkCheck::Status::invalid;
  if ((*read)[0].is_nil() || !rsvp_tag_matches(secret, alert_id, member_id, parsed->tag)) {
    co_return check;
  }
  if (!check.alert.ParseFromString(fields[0].str) || check.alert.id() != alert_id) co_return check;
  const int64_t expires_at_ms = std::strtoll(fields[2].str.c_str(), nullptr, 10);
  if (!takes_answers(fields[1].str, expires_at_ms, check.alert.event_time(), now_ms)) {
    check.status = LinkCheck::Status::closed;
    co_return check;
  }
  check.status = LinkCheck::Status::open;
  check.member_id = member_id;
  check.form_token = rsvp_form_token(secret, alert_id, member_id);
  co_return check;
}

}  // namespace tocsin::replies
