#include "turnout/targeting.h"

#include <iterator>

#include "alerts/alert_keys.h"
#include "redis/client.h"
#include "redis/script.h"
#include "redis/set_slices.h"
#include "turnout/reach_lua.h"

namespace tocsin::turnout {

const redis::Script& target_members_script() {
  static const redis::Script script(std::string(kReachLua) + R"lua(
local base = 'alert:{' .. ARGV[1] .. '}'
local counted = 0
for i = 2, #ARGV do
  if turnout_target(base, ARGV[i], nil) then counted = counted + 1 end
end
turnout_flush()
if counted > 0 then turnout_changed(base) end
return counted
)lua");
  return script;
}

boost::asio::awaitable<Result<int64_t>> count_targeted(redis::Client& redis,
                                                       const std::string& alert_id) {
  int64_t counted = 0;
  auto walked = co_await redis::for_each_slice(
      redis, alerts::keys::audience(alert_id), kTargetSlice,
      [&](std::vector<std::string> members) -> boost::asio::awaitable<std::error_code> {
        std::vector<std::string> args{alert_id};
        args.insert(args.end(), std::make_move_iterator(members.begin()),
                    std::make_move_iterator(members.end()));
        std::vector<std::string> no_keys;
        auto reply =
            co_await redis.eval(target_members_script(), std::move(no_keys), std::move(args));
        if (!reply) co_return reply.error();
        if (reply->is_error()) co_return std::make_error_code(std::errc::io_error);
        counted += reply->integer;
        co_return std::error_code();
      });
  if (walked) co_return walked;
  // From now on the prepare step may skip counting (dispatch_scripts.cpp).
  redis::Command done{"HSET", alerts::keys::alert(alert_id),
                      std::string(alerts::keys::field::kTurnoutTargeted), "1"};
  auto marked = co_await redis.exec(std::move(done));
  if (!marked) co_return marked.error();
  co_return counted;
}

}  // namespace tocsin::turnout
