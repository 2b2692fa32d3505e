#include "dispatch/record_call.h"

#include <chrono>

#include "alerts/alert_keys.h"
#include "audit/audit_keys.h"
#include "dispatch/dispatch_keys.h"
#include "dispatch/receipt_store.h"
#include "members/member_keys.h"

namespace tocsin::dispatch {

RecordCall::RecordCall(std::string group, int64_t now_ms, size_t count) {
  keys_ = {std::string(keys::kRetryQueue),        std::string(audit::keys::kAudit),
           members::keys::opt_out_registry("sms"), members::keys::opt_out_registry("email"),
           keys::opted_out_members("sms"),        keys::opted_out_members("email")};
  args_ = {std::to_string(now_ms), std::move(group), std::to_string(count),
           std::to_string(std::chrono::seconds(kReceiptTtl).count())};
  args_.reserve(4 + count * 10);
}

void RecordCall::add(const RecordItem& item) {
  args_.emplace_back(1, static_cast<char>(item.op));
  args_.push_back(item.alert_id);
  args_.push_back(alert_keys_at(item.alert_id));
  switch (item.op) {
    case RecordItem::Op::result:
      args_.push_back(item.member_or_queue);
      args_.push_back(item.channel_or_entry);
      args_.push_back(item.state_or_due);
      args_.push_back(item.message_id);
      args_.push_back(item.entry_to_remove);
      args_.push_back(item.address);
      args_.push_back(own_keys_at(item));
      return;
    case RecordItem::Op::retry:
      args_.push_back(item.member_or_queue);
      args_.push_back(item.channel_or_entry);
      args_.push_back(item.state_or_due);
      args_.emplace_back();
      args_.push_back(item.entry_to_add);
      args_.push_back(item.entry_to_remove);
      args_.emplace_back();
      return;
    case RecordItem::Op::ack:
      args_.push_back(key_at(item.member_or_queue));
      args_.push_back(item.channel_or_entry);
      args_.insert(args_.end(), 5, std::string());
      return;
    case RecordItem::Op::cancel_retry:
      args_.push_back(item.member_or_queue);
      args_.push_back(item.channel_or_entry);
      args_.insert(args_.end(), 3, std::string());
      args_.push_back(item.entry_to_remove);
      args_.emplace_back();
      return;
  }
}

// KEYS is 1-based in Lua.
std::string RecordCall::next_index() const {
  return std::to_string(keys_.size() + 1);
}

std::string RecordCall::alert_keys_at(const std::string& alert_id) {
  auto [found, added] = alerts_.try_emplace(alert_id, next_index());
  if (added) {
    keys_.push_back(alerts::keys::alert(alert_id));
    keys_.push_back(alerts::keys::delivery(alert_id));
    keys_.push_back(alerts::keys::counts(alert_id));
    keys_.push_back(alerts::keys::sent(alert_id));
  }
  return found->second;
}

std::string RecordCall::key_at(const std::string& key) {
  auto [found, added] = singles_.try_emplace(key, next_index());
  if (added) keys_.push_back(key);
  return found->second;
}

// A sent message's receipt key and its early key; an SMS opt-out's phone holders.
std::string RecordCall::own_keys_at(const RecordItem& item) {
  if (item.state_or_due == alerts::keys::delivery_state::kSent && !item.receipt_key.empty()) {
    std::string at = next_index();
    keys_.push_back(item.receipt_key);
    keys_.push_back(keys::early_receipt(item.receipt_key));
    return at;
  }
  if (item.state_or_due == alerts::keys::delivery_state::kOptedOut &&
      item.channel_or_entry == "sms" && !item.address.empty()) {
    return key_at(keys::phone_holders(item.address));
  }
  return {};
}

}  // namespace tocsin::dispatch
