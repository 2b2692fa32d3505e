#include "dispatch/retry_repair.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "alerts/alert_keys.h"
#include "dispatch/dispatch_keys.h"
#include "redis/client.h"
#include "redis/decode.h"

namespace tocsin::dispatch {
namespace {

// Alerts read per pipeline: the index holds every alert ever made.
constexpr size_t kPage = 500;

}  // namespace

boost::asio::awaitable<Result<size_t>> repair_retry_queue(redis::Client& redis) {
  redis::Command list{"ZRANGE", std::string(alerts::keys::kIndex), "0", "-1"};
  auto ids = redis::decode<std::vector<std::string>>(co_await redis.exec(std::move(list)));
  if (!ids) co_return ids.error();
  size_t restored = 0;
  for (size_t first = 0; first < ids->size(); first += kPage) {
    const size_t last = std::min(ids->size(), first + kPage);
    std::vector<redis::Command> states;
    for (size_t i = first; i < last; ++i) {
      states.push_back({"HGET", alerts::keys::alert((*ids)[i]), "state"});
    }
    auto read = co_await redis.exec_pipeline(std::move(states));
    if (!read) co_return read.error();
    std::vector<redis::Command> retries;
    for (size_t i = first; i < last; ++i) {
      auto state = redis::decode<std::optional<std::string>>((*read)[i - first]);
      if (!state) co_return state.error();
      if (*state != alerts::keys::state::kSending) continue;
      retries.push_back({"ZRANGE", keys::alert_retries((*ids)[i]), "0", "-1", "WITHSCORES"});
    }
    if (retries.empty()) continue;
    auto waiting = co_await redis.exec_pipeline(std::move(retries));
    if (!waiting) co_return waiting.error();
    std::vector<redis::Command> adds;
    for (const auto& reply : *waiting) {
      auto pairs = redis::decode<std::vector<std::string>>(reply);
      if (!pairs) co_return pairs.error();
      if (pairs->empty()) continue;
      redis::Command add{"ZADD", std::string(keys::kRetryQueue), "NX"};
      // ZRANGE gives entry, due; ZADD takes due, entry.
      for (size_t k = 0; k + 1 < pairs->size(); k += 2) {
        add.push_back((*pairs)[k + 1]);
        add.push_back((*pairs)[k]);
      }
      adds.push_back(std::move(add));
    }
    if (adds.empty()) continue;
    auto added = co_await redis.exec_pipeline(std::move(adds));
    if (!added) co_return added.error();
    for (const auto& reply : *added) {
      auto count = redis::decode<int64_t>(reply);
      if (!count) co_return count.error();
      restored += static_cast<size_t>(*count);
    }
  }
  co_return restored;
}

}  // namespace tocsin::dispatch
