#include "redis/stream_relay.h"

#include <utility>
#include <vector>

#include "redis/decode.h"
#include "redis/relay_began.lua.h"
#include "redis/stream_relay.lua.h"
#include "redis/script.h"

namespace tocsin::redis {
namespace {

const Script& relay_script() {
  static const Script script(std::string(lua::stream_relay));
  return script;
}

// Two daemons relaying the same source at once: the loser reads again and finds less (or
// nothing) to relay. More tries than that means the cursor keeps moving under us.
constexpr int kMaxRaces = 8;

using Entries = std::vector<std::pair<std::string, std::vector<std::string>>>;

}  // namespace

void load_relay_script(Client& redis) { redis.load_on_connect(relay_script()); }

Command relay_began_command(const std::string& began_key) {
  // Redis's clock, not the daemon's: stream ids come from it, and daemons on several hosts
  // disagree by a few milliseconds.
  return {"EVAL", std::string(lua::relay_began), "1", began_key};
}

boost::asio::awaitable<Result<size_t>> relay_stream(Client& redis, const RelayTarget& target,
                                                    const std::string& source, size_t batch) {
  size_t relayed = 0;
  int races = 0;
  for (;;) {
    std::vector<Command> reads{{"HGET", target.cursors, source}};
    if (!target.began.empty()) reads.push_back({"GET", target.began});
    auto replies = co_await redis.exec_pipeline(std::move(reads));
    if (!replies) co_return replies.error();
    auto cursor = decode<std::optional<std::string>>(replies->front());
    if (!cursor) co_return cursor.error();
    std::optional<std::string> began;
    if (!target.began.empty()) {
      auto read = decode<std::optional<std::string>>(replies->back());
      if (!read) co_return read.error();
      began = std::move(*read);
    }
    // Past the cursor; without one, from when relaying began (that millisecond included: an
    // entry of an older tocsind in it shows twice, rather than a new one not at all).
    const std::string from = cursor->has_value() ? "(" + **cursor
                             : began.has_value() ? *began
                                                 : "-";
    Command range{"XRANGE", source, from, "+", "COUNT", std::to_string(batch)};
    auto entries = decode<Entries>(co_await redis.exec(std::move(range)));
    if (!entries) co_return entries.error();
    if (entries->empty()) co_return relayed;

    std::vector<std::string> args{source, cursor->value_or(""), entries->back().first};
    for (auto& [id, fields] : *entries) {
      args.push_back(std::to_string(fields.size()));
      for (auto& field : fields) args.push_back(std::move(field));
    }
    std::vector<std::string> keys{target.destination, target.cursors};
    keys.insert(keys.end(), target.more_keys.begin(), target.more_keys.end());
    const Script& script = target.apply ? *target.apply : relay_script();
    auto appended = decode<bool>(co_await redis.eval(script, std::move(keys), std::move(args)));
    if (!appended) co_return appended.error();
    if (!*appended) {
      if (++races > kMaxRaces) co_return relayed;  // the next relay goes on
      continue;
    }
    relayed += entries->size();
    if (entries->size() < batch) co_return relayed;
  }
}

}  // namespace tocsin::redis
