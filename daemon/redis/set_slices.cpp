#include "redis/set_slices.h"

#include "redis/client.h"

namespace tocsin::redis {

boost::asio::awaitable<std::error_code> for_each_slice(Client& redis, const std::string& key,
                                                       int slice, SliceStep step) {
  std::string cursor = "0";
  do {
    Command scan{"SSCAN", key, cursor, "COUNT", std::to_string(slice)};
    auto page = co_await redis.exec(std::move(scan));
    if (!page) co_return page.error();
    if (page->elements.size() != 2) co_return std::make_error_code(std::errc::io_error);
    cursor = page->elements[0].str;
    if (page->elements[1].elements.empty()) continue;
    std::vector<std::string> members;
    members.reserve(page->elements[1].elements.size());
    for (auto& member : page->elements[1].elements) members.push_back(std::move(member.str));
    if (auto error = co_await step(std::move(members))) co_return error;
  } while (cursor != "0");
  co_return std::error_code();
}

}  // namespace tocsin::redis
