#include "replies/sms_opt_outs.h"

#include <map>
#include <utility>

#include "redis/client.h"
#include "redis/decode.h"
#include "replies/reply_keys.h"

namespace tocsin::replies {

boost::asio::awaitable<std::error_code> apply_sms_opt_changes(
    redis::Client& redis, const std::vector<SmsOptChange>& changes) {
  if (changes.empty()) co_return std::error_code();
  // Who holds each number now.
  std::map<std::string, std::vector<std::string>> holders;
  for (const auto& change : changes) holders[change.number];
  std::vector<redis::Command> reads;
  for (const auto& [number, members] : holders) {
    reads.push_back({"SMEMBERS", keys::phone_holders(number)});
  }
  auto read = co_await redis.exec_pipeline(std::move(reads));
  if (!read) co_return read.error();
  size_t i = 0;
  for (auto& [number, members] : holders) {
    auto found = redis::decode<std::vector<std::string>>((*read)[i++]);
    if (!found) co_return found.error();
    members = std::move(*found);
  }

  std::vector<redis::Command> writes;
  for (const auto& change : changes) {
    const char* op = change.stop ? "SADD" : "SREM";
    writes.push_back({op, keys::sms_opt_outs(), change.number});
    const auto& members = holders[change.number];
    if (members.empty()) continue;
    redis::Command move_members{op, keys::sms_opted_out_members()};
    move_members.insert(move_members.end(), members.begin(), members.end());
    writes.push_back(std::move(move_members));
  }
  auto written = co_await redis.exec_pipeline(std::move(writes));
  if (!written) co_return written.error();
  for (const auto& reply : *written) {
    if (reply.is_error()) co_return make_error_code(redis::Errc::server_error);
  }
  co_return std::error_code();
}

}  // namespace tocsin::replies
