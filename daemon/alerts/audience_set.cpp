#include "alerts/audience_set.h"

#include "alerts/group_audience.h"
#include "members/audience.h"
#include "members/audience_counter.h"
#include "redis/client.h"
#include "redis/decode.h"

namespace tocsin::alerts {

boost::asio::awaitable<Result<int64_t>> materialize_audience(redis::Client& redis,
                                                             const Alert& alert,
                                                             const std::string& destination) {
  if (!alert.parent_id().empty()) {
    co_return co_await materialize_group(redis, alert.parent_id(),
                                                     alert.target_group(), destination);
  }
  // Stored alerts passed validation, so their expression parses.
  auto expression = members::parse_audience(alert.audience());
  if (!expression) co_return std::make_error_code(std::errc::invalid_argument);
  members::AudienceCounter counter(redis);
  auto materialized = co_await counter.materialize(*expression, destination);
  if (!materialized) co_return materialized.error();
  redis::Command size{"SCARD", destination};
  co_return redis::decode<int64_t>(co_await redis.exec(std::move(size)));
}

}  // namespace tocsin::alerts
