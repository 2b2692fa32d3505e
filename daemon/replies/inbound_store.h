#pragma once
// Members' replies as they arrive (issue 6): stored first, read after. A webhook hands the
// reply to store(), which appends it to the q:replies stream in one Lua script and lets
// the webhook answer at once (replies/inbound_store.lua): providers wait at most 15 s and cannot be
// told to slow down, so nothing slow (reading the text, finding the alert, counting) happens before
// the answer. The reply worker reads the stream through its consumer group.
//
// A provider repeats a webhook it thinks failed: a reply with a provider message id seen
// in the last week from the same gateway is not appended twice. A reply kept in the local
// spool while Redis was away (api/hook_intake.h) may be replayed twice: when its provider
// gave no id, the spool's own id for it plays that part.

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <functional>
#include <string>

#include "adapters/gateway.h"
#include "replies/reply_keys.h"
#include "util/result.h"

namespace tocsin::redis {
class Client;
}

namespace tocsin::replies {

inline constexpr std::string_view kInboundQueue = keys::kInboundQueue;
inline constexpr std::string_view kReplyGroup = "replies";

// Field names of a q:replies entry.
namespace inbound_field {
inline constexpr std::string_view kGateway = "gateway";
inline constexpr std::string_view kFrom = "from";  // as the provider gave it
inline constexpr std::string_view kTo = "to";
inline constexpr std::string_view kText = "text";
inline constexpr std::string_view kProviderId = "provider_id";  // may be empty
inline constexpr std::string_view kReceivedAtMs = "received_at_ms";
}  // namespace inbound_field

class InboundStore {
 public:
  enum class Stored { added, repeated };

  // Registers its script with load_on_connect(): construct before redis.run().
  explicit InboundStore(redis::Client& redis);

  // Called after each reply added, e.g. to wake the reply worker of this process.
  void on_stored(std::function<void()> callback) { on_stored_ = std::move(callback); }

  // `fallback_id` identifies the reply when its provider message id is empty (a spooled
  // reply's spool id); with neither, repeats are not recognised.
  boost::asio::awaitable<Result<Stored>> store(const std::string& gateway,
                                               const adapters::InboundMessage& message,
                                               int64_t received_at_ms,
                                               std::string fallback_id = {});

 private:
  redis::Client& redis_;
  std::function<void()> on_stored_;
};

}  // namespace tocsin::replies
