#include "turnout/targeting.h"

#include "alerts/alert_keys.h"
#include "redis/client.h"
#include "redis/decode.h"
#include "redis/script.h"
#include "redis/set_slices.h"
#include "turnout/target_members.lua.h"
#include "turnout/turnout_keys.h"

namespace tocsin::turnout {

const redis::Script& target_members_script() {
  static const redis::Script script(std::string(lua::target_members));
  return script;
}

std::vector<std::string> target_members_keys(const std::string& alert_id) {
  return {keys::alert(alert_id)};
}

boost::asio::awaitable<Result<int64_t>> count_targeted(redis::Client& redis,
                                                       const std::string& alert_id) {
  int64_t counted = 0;
  auto walked = co_await redis::for_each_slice(
      redis, keys::audience(alert_id), kTargetSlice,
      [&](std::vector<std::string> members) -> boost::asio::awaitable<std::error_code> {
        auto reply = co_await redis.eval(target_members_script(), target_members_keys(alert_id),
                                         std::move(members));
        auto newly = redis::decode<int64_t>(reply);
        if (!newly) co_return newly.error();
        counted += *newly;
        co_return std::error_code();
      });
  if (walked) co_return walked;
  // From now on the prepare step may skip counting (dispatch_scripts.cpp).
  redis::Command done{"HSET", keys::alert(alert_id),
                      std::string(alerts::keys::field::kTurnoutTargeted), "1"};
  auto marked = co_await redis.exec(std::move(done));
  if (!marked) co_return marked.error();
  co_return counted;
}

}  // namespace tocsin::turnout
