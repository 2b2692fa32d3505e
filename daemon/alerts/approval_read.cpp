#include "alerts/approval_read.h"

#include <charconv>

#include "alerts/alert_keys.h"
#include "alerts/approval_link.h"
#include "alerts/rsvp_link.h"
#include "proto/tocsin.pb.h"
#include "redis/client.h"
#include "redis/decode.h"

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
  auto reply =
      redis::decode<std::vector<std::optional<std::string>>>(co_await redis.exec(std::move(read)));
  if (!reply) co_return redis::bad_reply_as(reply.error(), unavailable());
  if (reply->size() != 12) co_return unavailable();
  // An absent field reads as empty.
  std::vector<std::string> e;
  for (auto& value : *reply) e.push_back(value.value_or(""));
  Alert alert;
  if (!(*reply)[0] || !alert.ParseFromString(e[0])) co_return std::nullopt;
  ApprovalStatus status;
  status.set_alert_id(id);
  status.set_code(alert.code());
  status.set_title(alert.title());
  status.set_state(e[1]);
  status.set_created_by(alert.created_by());
  status.set_approved_by(e[2]);
  status.set_approved_at_ms(to_int(e[3]));
  status.set_requested_by(e[4]);
  status.set_requested_at_ms(to_int(e[5]));
  status.set_notified_sms(to_int(e[6]));
  status.set_notified_email(to_int(e[7]));
  std::string_view names = e[8];
  while (!names.empty()) {
    const size_t end = names.find('\n');
    status.add_notified_names(std::string(names.substr(0, end)));
    if (end == std::string_view::npos) break;
    names.remove_prefix(end + 1);
  }
  status.set_declined_by(e[9]);
  status.set_declined_at_ms(to_int(e[10]));
  status.set_decline_reason(e[11]);
  co_return status;
}

boost::asio::awaitable<Result<AlertAuditResponse>> read_trail(redis::Client& redis, std::string id,
                                                              size_t limit) {
  redis::Command read{"XRANGE", keys::audit_trail(id), "-", "+", "COUNT", std::to_string(limit)};
  // Each entry: its id, then its fields as a flat array of name, value.
  using Entry = std::pair<std::string, std::vector<std::string>>;
  auto reply = redis::decode<std::vector<Entry>>(co_await redis.exec(std::move(read)));
  if (!reply) co_return redis::bad_reply_as(reply.error(), unavailable());
  AlertAuditResponse trail;
  trail.set_alert_id(id);
  for (const auto& [entry_id, pairs] : *reply) {
    AuditEntry* out = trail.add_entries();
    out->set_id(entry_id);
    out->set_at_ms(to_int(entry_id.substr(0, entry_id.find('-'))));
    for (size_t i = 0; i + 1 < pairs.size(); i += 2) {
      const std::string& name = pairs[i];
      const std::string& value = pairs[i + 1];
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
  // The GET's reply, last.
  auto got = redis::decode<std::optional<std::string>>(replies->back());
  if (!got) co_return unavailable();
  co_return got->value_or("");
}

}  // namespace tocsin::alerts
