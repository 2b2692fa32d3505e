#include "redis/set_slices.h"

#include "redis/client.h"
#include "redis/decode.h"

namespace tocsin::redis {

boost::asio::awaitable<std::error_code> for_each_slice(Client& redis, const std::string& key,
                                                       int slice, SliceStep step) {
  std::string cursor = "0";
  do {
    Command scan{"SSCAN", key, cursor, "COUNT", std::to_string(slice)};
    // A page: the next cursor, and the members of this slice.
    auto page = decode<std::tuple<std::string, std::vector<std::string>>>(
        co_await redis.exec(std::move(scan)));
    if (!page) {
      const bool redis_answered = page.error() == make_error_code(Errc::server_error) ||
                                  page.error() == make_error_code(Errc::unexpected_reply);
      co_return redis_answered ? std::make_error_code(std::errc::io_error) : page.error();
    }
    auto& [next, members] = *page;
    cursor = std::move(next);
    if (members.empty()) continue;
    if (auto error = co_await step(std::move(members))) co_return error;
  } while (cursor != "0");
  co_return std::error_code();
}

}  // namespace tocsin::redis
