#include "turnout/targeting.h"

#include <optional>
#include <tuple>

#include "alerts/alert_keys.h"
#include "members/member_keys.h"
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

namespace {

namespace member_keys = members::keys;

// The script's ARGV for one slice: per member its id and the values its place is made of,
// read from member:{id}:idx in one pipelined round trip ('' where a member has none, as for
// a member removed since the audience was frozen: counted under no region).
boost::asio::awaitable<Result<std::vector<std::string>>> with_places(
    redis::Client& redis, std::vector<std::string> members) {
  std::vector<redis::Command> reads;
  reads.reserve(members.size());
  for (const std::string& member : members) {
    reads.push_back({"HMGET", member_keys::index(member),
                     std::string(member_keys::field::kRegion),
                     std::string(member_keys::field::kSector),
                     std::string(member_keys::field::kLocal),
                     std::string(member_keys::field::kTitle)});
  }
  auto replies = co_await redis.exec_pipeline(std::move(reads));
  if (!replies) co_return replies.error();
  using Field = std::optional<std::string>;
  std::vector<std::string> args;
  args.reserve(members.size() * 5);
  for (size_t i = 0; i < members.size(); ++i) {
    auto place = redis::decode<std::tuple<Field, Field, Field, Field>>((*replies)[i]);
    if (!place) co_return place.error();
    auto& [region, sector, local, title] = *place;
    args.push_back(std::move(members[i]));
    args.push_back(region.value_or(""));
    args.push_back(sector.value_or(""));
    args.push_back(local.value_or(""));
    args.push_back(title.value_or(""));
  }
  co_return args;
}

}  // namespace

boost::asio::awaitable<Result<int64_t>> count_targeted(redis::Client& redis,
                                                       const std::string& alert_id) {
  int64_t counted = 0;
  auto walked = co_await redis::for_each_slice(
      redis, keys::audience(alert_id), kTargetSlice,
      [&](std::vector<std::string> members) -> boost::asio::awaitable<std::error_code> {
        auto args = co_await with_places(redis, std::move(members));
        if (!args) co_return args.error();
        auto reply = co_await redis.eval(target_members_script(), target_members_keys(alert_id),
                                         std::move(*args));
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
