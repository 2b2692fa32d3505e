#include "redis/stream_consumer.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

#include "log/log.h"
#include "redis/client.h"
#include "redis/decode.h"

namespace tocsin::redis {
namespace {

// Ids per XCLAIM when keeping entries: a bounded command, however many are held.
constexpr size_t kKeepPerCommand = 500;

}  // namespace

StreamConsumer::StreamConsumer(Client& redis, StreamConsumerOptions options)
    : redis_(redis), options_(std::move(options)), state_(options_.claim_idle) {}

boost::asio::awaitable<std::error_code> StreamConsumer::ensure_group(std::string* why) {
  if (!state_.group_needed()) co_return std::error_code{};
  // From the start of the stream: entries added before the first consumer ever ran count.
  Command create{"XGROUP", "CREATE", options_.stream, options_.group, "0", "MKSTREAM"};
  auto reply = co_await redis_.exec(std::move(create));
  if (!reply) {
    if (why) *why = reply.error().message();
    co_return reply.error();
  }
  if (!group_exists_after_create(*reply)) {
    if (why) *why = reply->str;
    spdlog::warn("event=redis_stream_group_not_made stream={} group={} error={}", options_.stream,
                 options_.group, log::quote(reply->str));
    co_return make_error_code(Errc::server_error);
  }
  state_.group_ready();
  co_return std::error_code{};
}

boost::asio::awaitable<Result<Reply>> StreamConsumer::exec(Command command, std::string* why) {
  auto reply = co_await redis_.exec(std::move(command));
  if (!reply) {
    if (why) *why = reply.error().message();
  } else if (reply->is_error()) {
    note_error(reply->str);
  }
  co_return reply;
}

void StreamConsumer::note_error(const std::string& error) {
  if (!is_no_group(error)) return;
  // Redis lost the group (a FLUSHALL, a restart without its data): what this consumer
  // held is gone with it, and what comes next starts a new group.
  spdlog::warn("event=redis_stream_group_lost stream={} group={}", options_.stream, options_.group);
  state_.group_lost();
}

boost::asio::awaitable<Result<std::vector<StreamEntry>>> StreamConsumer::read(int count,
                                                                              std::string* why) {
  state_.connection_seen(redis_.reconnects());
  first_pending_.reset();
  if (auto error = co_await ensure_group(why)) co_return error;
  Command read{"XREADGROUP",      "GROUP", options_.group,
               options_.consumer, "COUNT", std::to_string(count > 0 ? count : options_.batch)};
  // Only new entries are waited for: own pending ones are there or not.
  if (options_.block.count() > 0 && !state_.reading_pending()) {
    read.push_back("BLOCK");
    read.push_back(std::to_string(options_.block.count()));
  }
  read.push_back("STREAMS");
  read.push_back(options_.stream);
  read.push_back(state_.read_from());
  std::vector<Command> commands;
  commands.push_back(std::move(read));
  const bool note_pending = options_.note_first_pending && !state_.reading_pending();
  if (note_pending)
    commands.push_back({"XPENDING", options_.stream, options_.group, "-", "+", "1"});
  auto replies = co_await exec_after_acks(std::move(commands), why);
  if (!replies) co_return replies.error();
  auto entries = decode_stream_read(replies->front(), why);
  if (!entries) co_return entries;
  state_.read_done(*entries);
  if (note_pending && !replies->back().is_error()) {
    if (auto pending = decode_pending(replies->back()); pending && !pending->empty()) {
      first_pending_ = std::move(pending->front());
    }
  }
  co_return entries;
}

bool StreamConsumer::claim_due() {
  return state_.claim_due(StreamConsumerState::Clock::now());
}

boost::asio::awaitable<Result<std::vector<StreamEntry>>> StreamConsumer::claim(std::string* why) {
  if (auto error = co_await ensure_group(why)) co_return error;
  Command autoclaim{"XAUTOCLAIM",
                    options_.stream,
                    options_.group,
                    options_.consumer,
                    std::to_string(options_.claim_idle.count()),
                    state_.claim_from(),
                    "COUNT",
                    std::to_string(options_.claim_batch)};
  std::vector<Command> commands;
  commands.push_back(std::move(autoclaim));
  auto replies = co_await exec_after_acks(std::move(commands), why);
  if (!replies) co_return replies.error();
  auto claimed = decode_autoclaim(replies->front(), why);
  if (!claimed) co_return claimed.error();
  state_.claim_done(*claimed);
  co_return std::move(claimed->entries);
}

boost::asio::awaitable<size_t> StreamConsumer::take_over() {
  auto claimed = co_await claim();
  if (!claimed || claimed->empty()) co_return 0;
  state_.rewind();
  co_return claimed->size();
}

boost::asio::awaitable<std::error_code> StreamConsumer::keep(const std::vector<std::string>& ids) {
  std::error_code failed;
  for (size_t first = 0; first < ids.size(); first += kKeepPerCommand) {
    Command claim{"XCLAIM", options_.stream, options_.group, options_.consumer, "0"};
    const size_t last = std::min(ids.size(), first + kKeepPerCommand);
    claim.insert(claim.end(), ids.begin() + first, ids.begin() + last);
    claim.push_back("JUSTID");
    auto reply = co_await exec(std::move(claim), nullptr);
    if (!reply) failed = reply.error();
    if (reply && reply->is_error()) failed = make_error_code(Errc::server_error);
  }
  co_return failed;
}

boost::asio::awaitable<std::error_code> StreamConsumer::ack(const std::vector<std::string>& ids,
                                                            bool remove) {
  if (ids.empty()) co_return std::error_code{};
  std::vector<Command> commands;
  Command ack{"XACK", options_.stream, options_.group};
  ack.insert(ack.end(), ids.begin(), ids.end());
  commands.push_back(std::move(ack));
  if (remove) {
    Command del{"XDEL", options_.stream};
    del.insert(del.end(), ids.begin(), ids.end());
    commands.push_back(std::move(del));
  }
  auto replies = co_await redis_.exec_pipeline(std::move(commands));
  if (!replies) co_return replies.error();
  for (const Reply& reply : *replies) {
    if (!reply.is_error()) continue;
    note_error(reply.str);
    co_return make_error_code(Errc::server_error);
  }
  co_return std::error_code{};
}

void StreamConsumer::ack_with_next_read(const std::vector<std::string>& ids, bool remove) {
  to_ack_.insert(to_ack_.end(), ids.begin(), ids.end());
  if (remove) to_delete_.insert(to_delete_.end(), ids.begin(), ids.end());
}

boost::asio::awaitable<std::error_code> StreamConsumer::flush_acks() {
  if (to_ack_.empty() && to_delete_.empty()) co_return std::error_code{};
  auto replies = co_await exec_after_acks({}, nullptr);
  co_return replies ? std::error_code{} : replies.error();
}

boost::asio::awaitable<Result<std::vector<Reply>>> StreamConsumer::exec_after_acks(
    std::vector<Command> commands, std::string* why) {
  // Taken out while in flight: a failed round trip puts them back for the next one.
  std::vector<std::string> acked = std::move(to_ack_);
  std::vector<std::string> deleted = std::move(to_delete_);
  to_ack_.clear();
  to_delete_.clear();
  std::vector<Command> all;
  if (!acked.empty()) {
    Command ack{"XACK", options_.stream, options_.group};
    ack.insert(ack.end(), acked.begin(), acked.end());
    all.push_back(std::move(ack));
  }
  if (!deleted.empty()) {
    Command del{"XDEL", options_.stream};
    del.insert(del.end(), deleted.begin(), deleted.end());
    all.push_back(std::move(del));
  }
  const size_t own = all.size();
  for (Command& command : commands) all.push_back(std::move(command));
  auto replies = co_await redis_.exec_pipeline(std::move(all));
  if (!replies || replies->size() < own) {
    to_ack_.insert(to_ack_.begin(), acked.begin(), acked.end());
    to_delete_.insert(to_delete_.begin(), deleted.begin(), deleted.end());
    if (!replies) {
      if (why) *why = replies.error().message();
      co_return replies.error();
    }
    co_return make_error_code(Errc::server_error);
  }
  // An error reply to the acknowledgements (NOGROUP: the group and what it held are gone)
  // leaves nothing to send again.
  for (const Reply& reply : *replies) {
    if (reply.is_error()) note_error(reply.str);
  }
  replies->erase(replies->begin(), replies->begin() + static_cast<std::ptrdiff_t>(own));
  co_return std::move(*replies);
}

boost::asio::awaitable<Result<std::optional<PendingEntry>>> StreamConsumer::first_pending_before(
    const std::string& id) {
  Command pending{"XPENDING", options_.stream, options_.group, "-", "(" + id, "1"};
  auto reply = co_await exec(std::move(pending), nullptr);
  if (!reply) co_return reply.error();
  auto entries = decode_pending(*reply);
  if (!entries) co_return entries.error();
  std::optional<PendingEntry> first;
  if (!entries->empty()) first = std::move(entries->front());
  co_return first;
}

}  // namespace tocsin::redis
