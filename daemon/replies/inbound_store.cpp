#include "replies/inbound_store.h"

#include "redis/client.h"
#include "redis/script.h"

namespace tocsin::replies {
namespace {

// KEYS: q:replies, the de-duplication key (or "" when the provider gave no id).
// ARGV: its time to live in seconds, then the entry's field/value pairs.
const redis::Script& store_script() {
  static const redis::Script script(R"lua(
if KEYS[2] ~= '' then
  if not redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[1]) then return 'repeated' end
end
redis.call('XADD', KEYS[1], '*', unpack(ARGV, 2))
return 'added'
)lua");
  return script;
}

// A week covers any provider's webhook retries.
constexpr int64_t kRepeatWindowSeconds = 7 * 24 * 3600;

}  // namespace

InboundStore::InboundStore(redis::Client& redis) : redis_(redis) {
  redis_.load_on_connect(store_script());
}

boost::asio::awaitable<Result<InboundStore::Stored>> InboundStore::store(
    const std::string& gateway, const adapters::InboundMessage& message, int64_t received_at_ms) {
  std::string seen_key;
  if (!message.provider_message_id.empty()) {
    seen_key = "inbound:seen:" + gateway + ":" + message.provider_message_id;
  }
  std::vector<std::string> keys{std::string(kInboundQueue), std::move(seen_key)};
  std::vector<std::string> args{std::to_string(kRepeatWindowSeconds),
                                std::string(inbound_field::kGateway), gateway,
                                std::string(inbound_field::kFrom), message.from,
                                std::string(inbound_field::kTo), message.to,
                                std::string(inbound_field::kText), message.text,
                                std::string(inbound_field::kProviderId),
                                message.provider_message_id,
                                std::string(inbound_field::kReceivedAtMs),
                                std::to_string(received_at_ms)};
  auto reply = co_await redis_.eval(store_script(), std::move(keys), std::move(args));
  if (!reply) co_return reply.error();
  if (reply->is_error()) co_return std::make_error_code(std::errc::io_error);
  if (reply->str == "repeated") co_return Stored::repeated;
  if (on_stored_) on_stored_();
  co_return Stored::added;
}

}  // namespace tocsin::replies
