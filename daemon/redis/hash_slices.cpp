#include "redis/hash_slices.h"

#include <map>

#include "redis/client.h"
#include "redis/decode.h"

namespace tocsin::redis {

boost::asio::awaitable<std::optional<std::vector<std::pair<std::string, std::string>>>> scan_hash(
    Client& redis, const std::string& key) {
  // A map: sorted by field, and a field HSCAN returns twice is kept once.
  std::map<std::string, std::string> stored;
  std::string cursor = "0";
  do {
    Command scan{"HSCAN", key, cursor, "COUNT", "1000"};
    auto page = decode<std::tuple<std::string, std::map<std::string, std::string>>>(
        co_await redis.exec(std::move(scan)));
    if (!page) co_return std::nullopt;
    auto& [next, pairs] = *page;
    cursor = std::move(next);
    stored.merge(pairs);
  } while (cursor != "0");
  co_return std::vector<std::pair<std::string, std::string>>(stored.begin(), stored.end());
}

}  // namespace tocsin::redis
