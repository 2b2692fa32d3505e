#include "dispatch/record_call.h"

#include <chrono>

#include "alerts/alert_keys.h"
#include "dispatch/dispatch_keys.h"
#include "dispatch/receipt_store.h"
#include "members/member_keys.h"

namespace tocsin::dispatch {
namespace {

// Each kind's op in record.lua.
char op_of(const RecordResult&) {
  return 'r';
}
char op_of(const RecordRetry&) {
  return 'q';
}
char op_of(const RecordAck&) {
  return 'a';
}
char op_of(const RecordCancelRetry&) {
  return 'c';
}

}  // namespace

RecordCall::RecordCall(std::string group, int64_t now_ms, size_t count) {
  keys_ = {std::string(keys::kRetryQueue), members::keys::opt_out_registry("sms"),
           members::keys::opt_out_registry("email"), keys::opted_out_members("sms"),
           keys::opted_out_members("email")};
  args_ = {std::to_string(now_ms), std::move(group), std::to_string(count),
           std::to_string(std::chrono::seconds(kReceiptTtl).count())};
  args_.reserve(4 + count * 10);
}

// Ten fields per item: op, alert id, index of the alert's five keys, then seven of its own.
void RecordCall::add(const RecordItem& item) {
  const std::string& alert_id = alert_id_of(item);
  args_.emplace_back(1, std::visit([](const auto& change) { return op_of(change); }, item));
  args_.push_back(alert_id);
  args_.push_back(alert_keys_at(alert_id));
  std::visit([this](const auto& change) { add_own(change); }, item);
}

void RecordCall::add_own(const RecordResult& result) {
  args_.push_back(result.member_id);
  args_.push_back(result.channel);
  args_.push_back(result.state);
  args_.push_back(result.message_id);
  args_.push_back(result.entry_to_remove);
  args_.push_back(result.address);
  args_.push_back(own_keys_at(result));
}

void RecordCall::add_own(const RecordRetry& retry) {
  args_.push_back(retry.member_id);
  args_.push_back(retry.channel);
  args_.push_back(std::to_string(retry.due_ms));
  args_.emplace_back();
  args_.push_back(retry.entry_to_add);
  args_.push_back(retry.entry_to_remove);
  args_.emplace_back();
}

void RecordCall::add_own(const RecordAck& ack) {
  args_.push_back(key_at(ack.queue));
  args_.push_back(ack.entry_id);
  args_.insert(args_.end(), 5, std::string());
}

void RecordCall::add_own(const RecordCancelRetry& cancel) {
  args_.push_back(cancel.member_id);
  args_.push_back(cancel.channel);
  args_.insert(args_.end(), 3, std::string());
  args_.push_back(cancel.entry_to_remove);
  args_.emplace_back();
}

// KEYS is 1-based in Lua.
std::string RecordCall::next_index() const {
  return std::to_string(keys_.size() + 1);
}

std::vector<std::string> RecordCall::alert_ids() const {
  std::vector<std::string> ids;
  ids.reserve(alerts_.size());
  for (const auto& [id, index] : alerts_) ids.push_back(id);
  return ids;
}

std::string RecordCall::alert_keys_at(const std::string& alert_id) {
  auto [found, added] = alerts_.try_emplace(alert_id, next_index());
  if (added) {
    keys_.push_back(alerts::keys::alert(alert_id));
    keys_.push_back(alerts::keys::delivery(alert_id));
    keys_.push_back(alerts::keys::counts(alert_id));
    keys_.push_back(alerts::keys::sent(alert_id));
    keys_.push_back(alerts::keys::audit_trail(alert_id));
  }
  return found->second;
}

std::string RecordCall::key_at(const std::string& key) {
  auto [found, added] = singles_.try_emplace(key, next_index());
  if (added) keys_.push_back(key);
  return found->second;
}

// A sent message's receipt key and its early key; an SMS opt-out's phone holders.
std::string RecordCall::own_keys_at(const RecordResult& result) {
  if (result.state == alerts::keys::delivery_state::kSent && !result.receipt_key.empty()) {
    std::string at = next_index();
    keys_.push_back(result.receipt_key);
    keys_.push_back(keys::early_receipt(result.receipt_key));
    return at;
  }
  if (result.state == alerts::keys::delivery_state::kOptedOut && result.channel == "sms" &&
      !result.address.empty()) {
    return key_at(keys::phone_holders(result.address));
  }
  return {};
}

}  // namespace tocsin::dispatch
