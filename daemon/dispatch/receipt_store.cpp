#include "dispatch/receipt_store.h"

#include <optional>
#include <string>

#include "alerts/alert_keys.h"
#include "dispatch/dispatch_keys.h"
#include "dispatch/receipt_apply.lua.h"
#include "dispatch/receipt_find.lua.h"
#include "redis/client.h"
#include "redis/decode.h"
#include "redis/script.h"

namespace tocsin::dispatch {
namespace {

const redis::Script& find_script() {
  static const redis::Script script(std::string(lua::receipt_find));
  return script;
}

const redis::Script& apply_script() {
  static const redis::Script script(std::string(lua::receipt_apply));
  return script;
}

}  // namespace

std::optional<ReceiptTarget> parse_receipt_target(const std::string& mapping) {
  // "alert|member|channel": alert ids and channels hold no '|'; a member id might.
  const auto first = mapping.find('|');
  const auto last = mapping.rfind('|');
  if (first == std::string::npos || last == first) return std::nullopt;
  ReceiptTarget target{mapping.substr(0, first), mapping.substr(first + 1, last - first - 1),
                       mapping.substr(last + 1)};
  if (target.alert_id.empty() || target.member_id.empty() || target.channel.empty()) {
    return std::nullopt;
  }
  return target;
}

ReceiptStore::ReceiptStore(redis::Client& redis) : redis_(redis) {
  redis_.load_on_connect(find_script());
  redis_.load_on_connect(apply_script());
}

boost::asio::awaitable<Result<ReceiptStore::Applied>> ReceiptStore::apply(
    const std::string& gateway, const adapters::DeliveryReceipt& receipt) {
  using adapters::ReceiptState;
  // Queued and sent say nothing new: a message is recorded as sent once a gateway
  // accepted it.
  if (receipt.state == ReceiptState::queued || receipt.state == ReceiptState::sent) {
    co_return Applied::unchanged;
  }
  const bool delivered = receipt.state == ReceiptState::delivered;
  const std::string measure = delivered ? "delivered" : "failed";
  std::string state = measure;
  if (!delivered) {
    state += ":" + (receipt.provider_status.empty() ? "undelivered" : receipt.provider_status);
    if (!receipt.error_code.empty()) state += " " + receipt.error_code;
  }

  // Whose send it is, in the message's slot; kept as early when not recorded yet.
  const std::string mapping_key = keys::receipt(gateway, receipt.message_id);
  std::vector<std::string> find_keys{mapping_key, keys::early_receipt(mapping_key)};
  std::vector<std::string> find_args{state,
                                     std::to_string(std::chrono::seconds(kReceiptTtl).count())};
  auto found = redis::decode<std::optional<std::string>>(
      co_await redis_.eval(find_script(), std::move(find_keys), std::move(find_args)));
  if (!found)
    co_return redis::bad_reply_as(found.error(), std::make_error_code(std::errc::io_error));
  std::optional<std::string> mapping = std::move(*found);
  if (!mapping) {
    // A message an older tocsind sent: its mapping has no tag. The early copy just kept
    // is never read and expires.
    redis::Command legacy{"GET", keys::untagged_receipt(gateway, receipt.message_id)};
    auto old = redis::decode<std::optional<std::string>>(co_await redis_.exec(std::move(legacy)));
    if (!old) co_return old.error();
    if (!*old) co_return Applied::early;
    mapping = std::move(*old);
  }
  const auto target = parse_receipt_target(*mapping);
  if (!target) co_return std::make_error_code(std::errc::io_error);  // not a mapping of ours

  auto moved = co_await apply_receipt_state(redis_, *target, state);
  if (!moved) co_return moved.error();
  co_return *moved ? Applied::changed : Applied::unchanged;
}

boost::asio::awaitable<Result<bool>> apply_receipt_state(redis::Client& redis,
                                                         const ReceiptTarget& target,
                                                         const std::string& state) {
  std::vector<std::string> keys{alerts::keys::alert(target.alert_id),
                                alerts::keys::delivery(target.alert_id),
                                alerts::keys::counts(target.alert_id)};
  std::string measure = state.substr(0, state.find(':'));
  std::vector<std::string> args{target.member_id, target.channel, std::move(measure), state};
  auto applied = redis::decode<std::string>(
      co_await redis.eval(apply_script(), std::move(keys), std::move(args)));
  if (!applied) {
    co_return redis::bad_reply_as(applied.error(), std::make_error_code(std::errc::io_error));
  }
  co_return *applied == "changed";
}

}  // namespace tocsin::dispatch
