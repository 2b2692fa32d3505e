#include "redis/hash_scan.h"

#include <algorithm>

#include "redis/client.h"

namespace tocsin::redis {

boost::asio::awaitable<std::optional<std::vector<std::pair<std::string, std::string>>>> scan_hash(
    Client& redis, std::string key) {
  std::vector<std::pair<std::string, std::string>> stored;
  std::string cursor = "0";
  do {
    Command scan{"HSCAN", key, cursor, "COUNT", "1000"};
    auto page = co_await redis.exec(std::move(scan));
    if (!page || page->is_error() || page->elements.size() != 2) co_return std::nullopt;
    cursor = page->elements[0].str;
    const auto& pairs = page->elements[1].elements;
    for (size_t i = 0; i + 1 < pairs.size(); i += 2) {
      stored.emplace_back(pairs[i].str, pairs[i + 1].str);
    }
  } while (cursor != "0");
  std::sort(stored.begin(), stored.end());
  stored.erase(std::unique(stored.begin(), stored.end(),
                           [](const auto& a, const auto& b) { return a.first == b.first; }),
               stored.end());
  co_return stored;
}

}  // namespace tocsin::redis
