#include "alerts/group_audience.h"

#include <iterator>

#include "alerts/alert_keys.h"
#include "alerts/group_check.lua.h"
#include "alerts/group_slice.lua.h"
#include "redis/client.h"
#include "redis/decode.h"
#include "redis/script.h"

namespace tocsin::alerts {

namespace {

// KEYS of both group scripts: the parent's alert:{parent} and the keys the rule reads.
std::vector<std::string> group_rule_keys(const std::string& parent_id) {
  return {keys::alert(parent_id),      keys::rsvp(parent_id),    keys::unknown_replies(parent_id),
          keys::seats(parent_id),      keys::waiting(parent_id), keys::delivery(parent_id),
          keys::unreachable(parent_id)};
}

}  // namespace

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
        std::vector<std::string> script_keys = group_rule_keys(parent_id);
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

const redis::Script& group_check_script() {
  static const redis::Script script(std::string(alerts::lua::group_check));
  return script;
}

boost::asio::awaitable<Result<std::vector<std::string>>> left_group_states(
    redis::Client& redis, const std::string& parent_id, const std::string& group,
    const std::vector<std::string>& members) {
  std::vector<std::string> script_keys = group_rule_keys(parent_id);
  std::vector<std::string> args{group};
  args.insert(args.end(), members.begin(), members.end());
  auto states = redis::decode<std::vector<std::string>>(
      co_await redis.eval(group_check_script(), std::move(script_keys), std::move(args)));
  if (!states) co_return states.error();
  if (states->size() != members.size()) co_return make_error_code(redis::Errc::unexpected_reply);
  co_return std::move(*states);
}

}  // namespace tocsin::alerts
