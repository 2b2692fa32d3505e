#include "alerts/group_audience.h"

#include <iterator>

#include "alerts/alert_keys.h"
#include "alerts/group_slice.lua.h"
#include "redis/client.h"
#include "redis/decode.h"
#include "redis/script.h"
#include "redis/set_slices.h"

namespace tocsin::alerts {

const redis::Script& group_slice_script() {
  static const redis::Script script(std::string(alerts::lua::group_slice));
  return script;
}

boost::asio::awaitable<Result<int64_t>> materialize_group(redis::Client& redis,
                                                          const std::string& parent_id,
                                                          const std::string& group,
                                                          const std::string& destination) {
  redis::Command clear{"DEL", destination};
  auto cleared = co_await redis.exec(std::move(clear));
  if (!cleared) co_return cleared.error();
  int64_t added = 0;
  auto walked = co_await redis::for_each_slice(
      redis, alerts::keys::audience(parent_id), kGroupSlice,
      [&](std::vector<std::string> members) -> boost::asio::awaitable<std::error_code> {
        namespace keys = alerts::keys;
        std::vector<std::string> script_keys{
            keys::alert(parent_id),    destination,
            keys::rsvp(parent_id),     keys::unknown_replies(parent_id),
            keys::seats(parent_id),    keys::waiting(parent_id),
            keys::delivery(parent_id), keys::unreachable(parent_id)};
        std::vector<std::string> args{group};
        args.insert(args.end(), std::make_move_iterator(members.begin()),
                    std::make_move_iterator(members.end()));
        auto reply = redis::decode<int64_t>(
            co_await redis.eval(group_slice_script(), std::move(script_keys), std::move(args)));
        if (!reply)
          co_return redis::bad_reply_as(reply.error(), std::make_error_code(std::errc::io_error));
        added += *reply;
        co_return std::error_code();
      });
  if (walked) co_return walked;
  co_return added;
}

}  // namespace tocsin::alerts
