#include "members/adopt_untagged_roster.h"

#include <spdlog/spdlog.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "members/member_keys.h"
#include "redis/client.h"
#include "redis/decode.h"

namespace tocsin::members {
namespace {

namespace old = keys::untagged;

// Keys per SCAN page: one pipeline of moves each.
constexpr std::string_view kScanCount = "1000";

enum class Kind { none, renamed, merged };

Kind kind_of(std::string_view key) {
  if (key.starts_with(old::kMember)) return Kind::renamed;  // a record or an index hash
  for (std::string_view prefix : {old::kAudienceTerm, old::kPhone, old::kOptOut, old::kMembers}) {
    if (key.starts_with(prefix)) return Kind::merged;
  }
  return Kind::none;  // another part's key, or already tagged
}

std::string tagged(std::string_view key) {
  return std::string(keys::kTag) + std::string(key);
}

// Whether an older roster or registry is there at all. One EXISTS per key: the old names
// have no hash tag, so on a Redis Cluster they lie in different slots.
boost::asio::awaitable<Result<bool>> anything_untagged(redis::Client& redis) {
  std::vector<redis::Command> exists;
  for (std::string_view marker : old::kMarkers) exists.push_back({"EXISTS", std::string(marker)});
  auto replies = co_await redis.exec_pipeline(std::move(exists));
  if (!replies) co_return replies.error();
  for (const redis::Reply& reply : *replies) {
    auto found = redis::decode<int64_t>(reply);
    if (!found) co_return found.error();
    if (*found > 0) co_return true;
  }
  co_return false;
}

}  // namespace

boost::asio::awaitable<Result<size_t>> adopt_untagged_roster(redis::Client& redis) {
  auto any = co_await anything_untagged(redis);
  if (!any) co_return any.error();
  if (!*any) co_return size_t{0};
  size_t moved = 0, gone = 0;
  std::string cursor = "0";
  do {
    redis::Command scan{"SCAN", cursor, "COUNT", std::string(kScanCount)};
    auto page = redis::decode<std::pair<std::string, std::vector<std::string>>>(
        co_await redis.exec(std::move(scan)));
    if (!page) co_return page.error();
    cursor = page->first;
    std::vector<redis::Command> moves;
    size_t renames = 0;
    for (const std::string& key : page->second) {
      switch (kind_of(key)) {
        case Kind::renamed:
          moves.push_back({"RENAME", key, tagged(key)});
          ++renames;
          break;
        case Kind::merged:
          moves.push_back({"SUNIONSTORE", tagged(key), tagged(key), key});
          moves.push_back({"DEL", key});
          ++moved;
          break;
        case Kind::none:
          break;
      }
    }
    if (moves.empty()) continue;
    auto replies = co_await redis.exec_pipeline(std::move(moves));
    if (!replies) co_return replies.error();
    // A RENAME fails alone when its key is gone: SCAN can return a key twice, and an older
    // daemon may have removed the member since. Any other error stops the adoption, to be
    // tried again whole (every move can be done twice).
    for (const redis::Reply& reply : *replies) {
      if (!reply.is_error()) continue;
      if (reply.str.find("no such key") == std::string::npos) {
        co_return make_error_code(redis::Errc::server_error);
      }
      ++gone;
    }
    moved += renames;
  } while (cursor != "0");
  spdlog::info("event=roster_keys_adopted keys={} missing={}", moved - gone, gone);
  co_return moved - gone;
}

}  // namespace tocsin::members
