#include "replies/inbound_store.h"

#include "redis/client.h"
#include "redis/decode.h"
#include "redis/script.h"
#include "replies/inbound_store.lua.h"
#include "replies/reply_keys.h"

namespace tocsin::replies {
namespace {

const redis::Script& store_script() {
  static const redis::Script script(std::string(lua::inbound_store));
  return script;
}

// A week covers any provider's webhook retries.
constexpr int64_t kRepeatWindowSeconds = 7 * 24 * 3600;

}  // namespace

InboundStore::InboundStore(redis::Client& redis) : redis_(redis) {
  redis_.load_on_connect(store_script());
}

boost::asio::awaitable<Result<InboundStore::Stored>> InboundStore::store(
    const std::string& gateway, const adapters::InboundMessage& message, int64_t received_at_ms,
    std::string fallback_id) {
  // No "seen" key without a provider id: not even "", which a cluster would place in a
  // slot of its own.
  std::vector<std::string> script_keys{std::string(keys::kInboundQueue)};
  const std::string& seen_id =
      message.provider_message_id.empty() ? fallback_id : message.provider_message_id;
  if (!seen_id.empty()) script_keys.push_back(keys::inbound_seen(gateway, seen_id));
  std::vector<std::string> args{std::to_string(kRepeatWindowSeconds),
                                std::string(inbound_field::kGateway),
                                gateway,
                                std::string(inbound_field::kFrom),
                                message.from,
                                std::string(inbound_field::kTo),
                                message.to,
                                std::string(inbound_field::kText),
                                message.text,
                                std::string(inbound_field::kProviderId),
                                message.provider_message_id,
                                std::string(inbound_field::kReceivedAtMs),
                                std::to_string(received_at_ms)};
  auto reply = co_await redis_.eval(store_script(), std::move(script_keys), std::move(args));
  auto stored = redis::decode<std::string>(reply);  // "added" or "repeated"
  if (!stored) co_return reply ? std::make_error_code(std::errc::io_error) : stored.error();
  if (*stored == "repeated") co_return Stored::repeated;
  if (on_stored_) on_stored_();
  co_return Stored::added;
}

}  // namespace tocsin::replies
