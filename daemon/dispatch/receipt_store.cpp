#include "dispatch/receipt_store.h"

#include <string>

#include "dispatch/dispatch_keys.h"
#include "dispatch/receipt.lua.h"
#include "redis/client.h"
#include "redis/decode.h"
#include "redis/script.h"

namespace tocsin::dispatch {
namespace {

const redis::Script& receipt_script() {
  static const redis::Script script(std::string(lua::receipt));
  return script;
}

}  // namespace

ReceiptStore::ReceiptStore(redis::Client& redis) : redis_(redis) {
  redis_.load_on_connect(receipt_script());
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
  std::string detail;
  if (!delivered) {
    detail = receipt.provider_status.empty() ? "undelivered" : receipt.provider_status;
    if (!receipt.error_code.empty()) detail += " " + receipt.error_code;
  }
  std::string mapping = keys::receipt(gateway, receipt.message_id);
  std::vector<std::string> script_keys{mapping, keys::early_receipt(mapping)};
  std::vector<std::string> args{delivered ? "delivered" : "failed", detail,
                                std::to_string(std::chrono::seconds(kReceiptTtl).count())};
  auto reply = co_await redis_.eval(receipt_script(), std::move(script_keys), std::move(args));
  if (!reply) co_return reply.error();
  auto applied = redis::decode<std::string>(*reply);
  if (!applied) co_return std::make_error_code(std::errc::io_error);
  if (*applied == "changed") co_return Applied::changed;
  if (*applied == "early") co_return Applied::early;
  co_return Applied::unchanged;
}

}  // namespace tocsin::dispatch
