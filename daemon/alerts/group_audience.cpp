#include "alerts/group_audience.h"

#include <iterator>

#include "alerts/alert_keys.h"
#include "alerts/group_slice.lua.h"
#include "redis/client.h"
#include "redis/decode.h"
#include "redis/script.h"

namespace tocsin::alerts {

const redis::Script& group_slice_script() {
  static const redis::Script script(std::string(alerts::lua::group_slice));
  return script;
}

boost::asio::awaitable<std::error_code> walk_group(redis::Client& redis,
                                                   const std::string& parent_id,
                                                   const std::string& group, int slice,
                                                   redis::SliceStep step) {
  co_return co_await redis::for_each_slice(
      redis, keys::audience(parent_id), slice,
      [&](std::vector<std::string> members) -> boost::asio::awaitable<std::error_code> {
        std::vector<std::string> script_keys{
            keys::alert(parent_id),      keys::rsvp(parent_id),    keys::unknown_replies(parent_id),
            keys::seats(parent_id),      keys::waiting(parent_id), keys::delivery(parent_id),
            keys::unreachable(parent_id)};
        std::vector<std::string> args{group};
        args.insert(args.end(), std::make_move_iterator(members.begin()),
                    std::make_move_iterator(members.end()));
        auto chosen = redis::decode<std::vector<std::string>>(
            co_await redis.eval(group_slice_script(), std::move(script_keys), std::move(args)));
        if (!chosen) {
          co_return redis::bad_reply_as(chosen.error(), std::make_error_code(std::errc::io_error));
        }
        if (chosen->empty()) co_return std::error_code();
        co_return co_await step(std::move(*chosen));
      });
}

}  // namespace tocsin::alerts
