#include "turnout/reach_log.h"

#include "redis/client.h"
#include "redis/decode.h"
#include "redis/script.h"
#include "turnout/apply_moves.lua.h"
#include "turnout/turnout_keys.h"

namespace tocsin::turnout {

const redis::Script& apply_moves_script() {
  static const redis::Script script(std::string(lua::apply_moves));
  return script;
}

std::vector<std::string> apply_moves_keys(const std::string& alert_id) {
  return {keys::alert(alert_id), keys::reach_log(alert_id)};
}

boost::asio::awaitable<Result<int64_t>> apply_pending_moves(redis::Client& redis,
                                                            const std::string& alert_id) {
  std::vector<std::string> args;
  auto reply =
      co_await redis.eval(apply_moves_script(), apply_moves_keys(alert_id), std::move(args));
  co_return redis::decode<int64_t>(reply);
}

}  // namespace tocsin::turnout
