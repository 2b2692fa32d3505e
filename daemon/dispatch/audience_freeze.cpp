#include "dispatch/audience_freeze.h"

#include <iterator>
#include <tuple>

#include "alerts/audience_set.h"
#include "dispatch/audience_stage.lua.h"
#include "members/audience_walk.h"
#include "redis/client.h"
#include "redis/decode.h"
#include "redis/script.h"

namespace tocsin::dispatch {
namespace {

const redis::Script& stage_script() {
  static const redis::Script script(std::string(lua::audience_stage));
  return script;
}

}  // namespace

boost::asio::awaitable<Result<int64_t>> freeze_audience(redis::Client& redis, const Alert& alert,
                                                        const StagedAudience& staged, int job_size,
                                                        int slice) {
  // A config built without defaults (0) gets the usual slice.
  if (slice <= 0) slice = members::kAudienceSlice;
  int64_t members = 0;
  auto walked = co_await alerts::walk_alert_audience(
      redis, alert, slice,
      [&](std::vector<std::string> ids) -> boost::asio::awaitable<std::error_code> {
        std::vector<std::string> args{std::to_string(job_size), std::to_string(kStagingTtlSeconds)};
        args.insert(args.end(), std::make_move_iterator(ids.begin()),
                    std::make_move_iterator(ids.end()));
        std::vector<std::string> script_keys{staged.members, staged.jobs};
        auto added = redis::decode<std::tuple<int64_t, int64_t>>(
            co_await redis.eval(stage_script(), std::move(script_keys), std::move(args)));
        if (!added) {
          co_return redis::bad_reply_as(added.error(), std::make_error_code(std::errc::io_error));
        }
        members += std::get<0>(*added);
        co_return std::error_code();
      });
  if (walked) co_return walked;
  co_return members;
}

}  // namespace tocsin::dispatch
