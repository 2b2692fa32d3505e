#include "dispatch/record_plan.h"

#include <chrono>
#include <map>
#include <string_view>

#include "alerts/alert_keys.h"
#include "dispatch/dispatch_keys.h"
#include "dispatch/receipt_store.h"

namespace tocsin::dispatch {
namespace {

using Command = std::vector<std::string>;

// record.lua's six ARGV fields of each kind.
void add_fields(std::vector<std::string>& args, const RecordResult& result) {
  args.insert(args.end(), {"r", result.member_id, result.channel, result.state, result.message_id,
                           result.entry_to_remove});
}
void add_fields(std::vector<std::string>& args, const RecordRetry& retry) {
  args.insert(args.end(), {"q", retry.member_id, retry.channel, std::to_string(retry.due_ms),
                           retry.entry_to_add, retry.entry_to_remove});
}
void add_fields(std::vector<std::string>& args, const RecordCancelRetry& cancel) {
  args.insert(args.end(), {"c", cancel.member_id, cancel.channel, "", "", cancel.entry_to_remove});
}
void add_fields(std::vector<std::string>& args, const RecordAck& ack) {
  args.insert(args.end(), {"a", ack.entry_id, "", "", "", ""});
}

// What step 3 writes, gathered over the batch.
struct After {
  std::vector<std::string> settled;                      // q:retry entries to remove
  std::vector<std::string> new_retries;                  // due, entry, due, entry...
  std::map<std::string, std::vector<std::string>> acks;  // queue -> entry ids, in order
  std::vector<const RecordResult*> mapped;               // sent, with a receipt key

  void add(const RecordResult& result) {
    if (!result.entry_to_remove.empty()) settled.push_back(result.entry_to_remove);
    if (result.state == alerts::keys::delivery_state::kSent && !result.receipt_key.empty()) {
      mapped.push_back(&result);
    }
  }
  void add(const RecordRetry& retry) {
    if (!retry.entry_to_remove.empty()) settled.push_back(retry.entry_to_remove);
    new_retries.push_back(std::to_string(retry.due_ms));
    new_retries.push_back(retry.entry_to_add);
  }
  void add(const RecordCancelRetry& cancel) {
    if (!cancel.entry_to_remove.empty()) settled.push_back(cancel.entry_to_remove);
  }
  void add(const RecordAck& ack) { acks[ack.queue].push_back(ack.entry_id); }
};

void add_opt_out(std::vector<members::OptOutChange>& out, const RecordResult& result) {
  if (result.state == alerts::keys::delivery_state::kOptedOut && !result.address.empty()) {
    out.push_back({.stop = true,
                   .channel = result.channel,
                   .address = result.address,
                   .member_id = result.member_id});
  }
}

}  // namespace

RecordPlan plan_record(const std::vector<RecordItem>& items, const std::string& group,
                       int64_t now_ms) {
  RecordPlan plan;
  After after;
  std::map<std::string, size_t> alert_at;  // alert id -> its call in plan.alerts
  std::vector<size_t> item_counts;
  for (const RecordItem& item : items) {
    const std::string& alert_id = alert_id_of(item);
    auto [found, added] = alert_at.try_emplace(alert_id, plan.alerts.size());
    if (added) {
      RecordAlertCall& call = plan.alerts.emplace_back();
      call.alert_id = alert_id;
      call.keys = {alerts::keys::alert(alert_id),
                   alerts::keys::delivery(alert_id),
                   alerts::keys::counts(alert_id),
                   alerts::keys::sent(alert_id),
                   alerts::keys::audit_trail(alert_id),
                   keys::alert_retries(alert_id),
                   keys::jobs_done(alert_id)};
      call.args = {std::to_string(now_ms), alert_id, ""};
      item_counts.push_back(0);
    }
    RecordAlertCall& call = plan.alerts[found->second];
    ++item_counts[found->second];
    std::visit([&call](const auto& change) { add_fields(call.args, change); }, item);
    std::visit([&after](const auto& change) { after.add(change); }, item);
    if (const auto* result = std::get_if<RecordResult>(&item)) add_opt_out(plan.opt_outs, *result);
  }
  for (size_t i = 0; i < plan.alerts.size(); ++i) {
    plan.alerts[i].args[2] = std::to_string(item_counts[i]);
  }

  const std::string retry_queue(keys::kRetryQueue);
  if (!after.settled.empty()) {
    Command zrem{"ZREM", retry_queue};
    zrem.insert(zrem.end(), after.settled.begin(), after.settled.end());
    plan.after.push_back(std::move(zrem));
  }
  if (!after.new_retries.empty()) {
    // NX: a batch written again must not undo the lease of a retry already taken.
    Command zadd{"ZADD", retry_queue, "NX"};
    zadd.insert(zadd.end(), after.new_retries.begin(), after.new_retries.end());
    plan.after.push_back(std::move(zadd));
  }
  for (const auto& [queue, ids] : after.acks) {
    Command xack{"XACK", queue, group};
    xack.insert(xack.end(), ids.begin(), ids.end());
    plan.after.push_back(std::move(xack));
    Command xdel{"XDEL", queue};
    xdel.insert(xdel.end(), ids.begin(), ids.end());
    plan.after.push_back(std::move(xdel));
  }
  const std::string ttl = std::to_string(std::chrono::seconds(kReceiptTtl).count());
  for (const RecordResult* sent : after.mapped) {
    plan.after.push_back({"SET", sent->receipt_key,
                          sent->alert_id + "|" + sent->member_id + "|" + sent->channel, "EX", ttl});
    std::string early = keys::early_receipt(sent->receipt_key);
    plan.early_reads.push_back(
        {plan.after.size(), early, sent->alert_id, sent->member_id, sent->channel});
    plan.after.push_back({"GET", std::move(early)});
  }
  return plan;
}

}  // namespace tocsin::dispatch
