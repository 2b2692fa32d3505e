#include "replies/sms_opt_outs.h"

#include "members/opt_out_registry.h"

namespace tocsin::replies {

boost::asio::awaitable<std::error_code> apply_sms_opt_changes(
    redis::Client& redis, const std::vector<SmsOptChange>& changes) {
  std::vector<members::OptOutChange> registry;
  registry.reserve(changes.size());
  for (const auto& change : changes) {
    registry.push_back({.stop = change.stop, .channel = "sms", .address = change.number});
  }
  co_return co_await members::apply_opt_out_changes(redis, registry);
}

}  // namespace tocsin::replies
