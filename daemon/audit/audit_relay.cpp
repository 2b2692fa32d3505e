#include "audit/audit_relay.h"

#include <spdlog/spdlog.h>

#include "audit/audit_keys.h"

namespace tocsin::audit {

redis::RelayTarget relay_target(bool since_relaying_began) {
  return {std::string(keys::kAudit), std::string(keys::kRelayed),
          since_relaying_began ? std::string(keys::kRelayBegan) : std::string()};
}

boost::asio::awaitable<void> relay(redis::Client& redis, const std::string& source) {
  auto relayed = co_await redis::relay_stream(redis, relay_target(false), source);
  if (!relayed) {
    spdlog::warn("event=relay_deferred source={} outbox=audit error={}", source,
                 relayed.error().message());
  }
}

}  // namespace tocsin::audit
