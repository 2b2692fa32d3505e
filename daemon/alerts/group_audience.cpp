#include "alerts/group_audience.h"

#include <iterator>

#include "alerts/alert_keys.h"
#include "alerts/target_group.h"
#include "redis/client.h"
#include "redis/script.h"
#include "redis/set_slices.h"

namespace tocsin::escalation {

const redis::Script& group_slice_script() {
  static const redis::Script script(std::string(kGroupLua) + R"lua(
local parent, group, destination = 'alert:{' .. ARGV[1] .. '}', ARGV[2], ARGV[3]
local chosen = {}
for i = 4, #ARGV do
  if group_member(parent, ARGV[i], group) then chosen[#chosen + 1] = ARGV[i] end
end
if #chosen == 0 then return 0 end
return redis.call('SADD', destination, unpack(chosen))
)lua");
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
        std::vector<std::string> args{parent_id, group, destination};
        args.insert(args.end(), std::make_move_iterator(members.begin()),
                    std::make_move_iterator(members.end()));
        std::vector<std::string> no_keys;
        auto reply =
            co_await redis.eval(group_slice_script(), std::move(no_keys), std::move(args));
        if (!reply) co_return reply.error();
        if (reply->is_error()) co_return std::make_error_code(std::errc::io_error);
        added += reply->integer;
        co_return std::error_code();
      });
  if (walked) co_return walked;
  co_return added;
}

}  // namespace tocsin::escalation
