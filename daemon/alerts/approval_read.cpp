#include "alerts/approval_read.h"

#include <charconv>

#include "alerts/alert_keys.h"
#include "alerts/approval_link.h"
#include "alerts/rsvp_link.h"
#include "proto/tocsin.pb.h"
#include "redis/client.h"

namespace tocsin::alerts {
namespace {

namespace field = keys::field;

int64_t to_int(const std::string& text) {
  int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

std::error_code unavailable() {
  return std::make_error_code(std::errc::io_error);
}

}  // namespace

boost::asio::awaitable<Result<std::optional<ApprovalStatus>>> read_approval(redis::Client& redis,
                                                                            std::string id) {
  // Order of the reply's elements below.
  redis::Command read{"HMGET",
                      keys::alert(id),
                      std::string(field::kProto),
                      std::string(field::kState),
                      std::string(field::kApprovedBy),
                      std::string(field::kApprovedAtMs),
                      std::string(field::kApprovalRequestedBy),
                      std::string(field::kApprovalRequestedAtMs),
                      std::string(field::kApprovalNotifiedSms),
                      std::string(field::kApprovalNotifiedEmail),
                      std::string(field::kApprovalNotifiedNames),
                      std::string(field::kDeclinedBy),
                      std::string(field::kDeclinedAtMs),
                      std::string(field::kDeclineReason)};
  auto reply = co_await redis.exec(std::move(read));
  if (!reply) co_return reply.error();
  const auto& e = reply->elements;
  if (reply->is_error() || e.size() != 12) co_return unavailable();
  Alert alert;
  if (e[0].is_nil() || !alert.ParseFromString(e[0].str)) co_return std::nullopt;
  ApprovalStatus status;
  status.set_alert_id(id);
  status.set_code(alert.code());
  status.set_title(alert.title());
  status.set_state(e[1].str);
  status.set_created_by(alert.created_by());
  status.set_approved_by(e[2].str);
  status.set_approved_at_ms(to_int(e[3].str));
  status.set_requested_by(e[4].str);
  status.set_requested_at_ms(to_int(e[5].str));
  status.set_notified_sms(to_int(e[6].str));
  status.set_notified_email(to_int(e[7].str));
  std::string_view names = e[8].str;
  while (!names.empty()) {
    const size_t end = names.find('\n');
    status.add_notified_names(std::string(names.substr(0, end)));
    if (end == std::string_view::npos) break;
    names.remove_prefix(end + 1);
  }
  status.set_declined_by(e[9].str);
  status.set_declined_at_ms(to_int(e[10].str));
  status.set_decline_reason(e[11].str);
  co_return status;
}

boost::asio::awaitable<Result<AlertAuditResponse>> read_trail(redis::Client& redis, std::string id,
                                                              size_t limit) {
  redis::Command read{"XRANGE", keys::audit_trail(id), "-", "+", "COUNT", std::to_string(limit)};
  auto reply = co_await redis.exec(std::move(read));
  if (!reply) co_return reply.error();
  if (reply->is_error()) co_return unavailable();
  AlertAuditResponse trail;
  trail.set_alert_id(id);
  for (const auto& entry : reply->elements) {
    if (entry.elements.size() != 2) continue;
    AuditEntry* out = trail.add_entries();
    out->set_id(entry.elements[0].str);
    out->set_at_ms(to_int(entry.elements[0].str.substr(0, entry.elements[0].str.find('-'))));
    const auto& pairs = entry.elements[1].elements;
    for (size_t i = 0; i + 1 < pairs.size(); i += 2) {
      const std::string& name = pairs[i].str;
      const std::string& value = pairs[i + 1].str;
      if (name == "actor")
        out->set_actor(value);
      else if (name == "action")
        out->set_action(value);
      else if (name == "subject")
        out->set_subject(value);
      else if (name == "detail")
        out->set_detail(value);
    }
  }
  co_return trail;
}

boost::asio::awaitable<Result<std::string>> approval_secret(redis::Client& redis, bool create) {
  std::vector<redis::Command> commands;
  // The same 32 random bytes as the RSVP links' secret, under its own key.
  if (create) commands.push_back({"SET", std::string(kApprovalSecretKey), new_rsvp_secret(), "NX"});
  commands.push_back({"GET", std::string(kApprovalSecretKey)});
  auto replies = co_await redis.exec_pipeline(std::move(commands));
  if (!replies) co_return replies.error();
  const auto& got = replies->back();
  if (got.is_error()) co_return unavailable();
  co_return got.is_nil() ? std::string() : got.str;
}

}  // namespace tocsin::alerts
