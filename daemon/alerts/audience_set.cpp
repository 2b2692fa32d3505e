#include "alerts/audience_set.h"

#include <iterator>

#include "alerts/group_audience.h"
#include "members/audience.h"
#include "members/audience_walk.h"
#include "redis/client.h"
#include "redis/decode.h"

namespace tocsin::alerts {

boost::asio::awaitable<std::error_code> walk_alert_audience(redis::Client& redis,
                                                            const Alert& alert, int slice,
                                                            redis::SliceStep step) {
  if (!alert.parent_id().empty()) {
    co_return co_await walk_group(redis, alert.parent_id(), alert.target_group(), slice,
                                  std::move(step));
  }
  // Stored alerts passed validation, so their expression parses.
  auto expression = members::parse_audience(alert.audience());
  if (!expression) co_return std::make_error_code(std::errc::invalid_argument);
  co_return co_await members::walk_audience(redis, *expression, slice, std::move(step));
}

boost::asio::awaitable<Result<int64_t>> materialize_audience(redis::Client& redis,
                                                             const Alert& alert,
                                                             const std::string& destination) {
  redis::Command clear{"UNLINK", destination};
  auto cleared = co_await redis.exec(std::move(clear));
  if (!cleared) co_return cleared.error();
  auto walked = co_await walk_alert_audience(
      redis, alert, members::kAudienceSlice,
      [&](std::vector<std::string> ids) -> boost::asio::awaitable<std::error_code> {
        redis::Command add{"SADD", destination};
        add.insert(add.end(), std::make_move_iterator(ids.begin()),
                   std::make_move_iterator(ids.end()));
        auto added = co_await redis.exec(std::move(add));
        co_return added ? std::error_code() : added.error();
      });
  if (walked) co_return walked;
  redis::Command size{"SCARD", destination};
  co_return redis::decode<int64_t>(co_await redis.exec(std::move(size)));
}

}  // namespace tocsin::alerts
