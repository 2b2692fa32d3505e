#include "turnout/reach_log.h"

#include "redis/client.h"
#include "redis/script.h"
#include "turnout/reach_lua.h"

namespace tocsin::turnout {

const redis::Script& apply_moves_script() {
  static const redis::Script script(std::string(kReachLua) + R"lua(
local base = 'alert:{' .. ARGV[1] .. '}'
if redis.call('EXISTS', base .. ':reach_log') == 0 then return 0 end
local moved = reach_apply(base)
turnout_flush()
if moved > 0 then turnout_changed(base) end
return moved
)lua");
  return script;
}

boost::asio::awaitable<Result<int64_t>> apply_pending_moves(redis::Client& redis,
                                                            const std::string& alert_id) {
  std::vector<std::string> no_keys;
  std::vector<std::string> args{alert_id};
  auto reply = co_await redis.eval(apply_moves_script(), std::move(no_keys), std::move(args));
  if (!reply) co_return reply.error();
  if (reply->is_error()) co_return std::make_error_code(std::errc::io_error);
  co_return reply->integer;
}

}  // namespace tocsin::turnout
