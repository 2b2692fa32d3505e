#include "alerts/audience_breakdown.h"

#include <spdlog/spdlog.h>

#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <vector>

#include "alerts/alert_keys.h"
#include "alerts/random_id.h"
#include "log/log.h"
#include "members/member_keys.h"
#include "redis/client.h"
#include "redis/decode.h"

namespace tocsin::alerts {
namespace {

namespace field = members::keys::field;

// The language of the message a member gets: theirs when the alert has a message in it,
// French otherwise (a member indexed without a language is French).
const std::string& message_language(const std::optional<std::string>& stored,
                                    const std::set<std::string>& languages) {
  static const std::string kFrench = "fr";
  return stored && languages.contains(*stored) ? *stored : kFrench;
}

using IndexRow = std::tuple<std::optional<std::string>, std::optional<std::string>,
                            std::optional<std::string>>;  // mobile, email, language

}  // namespace

AudienceBreakdownCounter::AudienceBreakdownCounter(redis::Client& redis, size_t batch_size)
    : redis_(redis), batch_size_(batch_size == 0 ? kDefaultBatchSize : batch_size) {}

boost::asio::awaitable<std::error_code> AudienceBreakdownCounter::count_batch(
    const std::vector<std::string>& ids, const Channels& channels,
    const std::set<std::string>& languages, AudienceBreakdown& breakdown) {
  // 1. The members' addresses and languages.
  std::vector<redis::Command> reads;
  reads.reserve(ids.size());
  for (const auto& id : ids) {
    reads.push_back({"HMGET", members::keys::index(id), std::string(field::kMobile),
                     std::string(field::kEmail), std::string(field::kLanguage)});
  }
  auto replies = co_await redis_.exec_pipeline(std::move(reads));
  if (!replies) co_return replies.error();
  std::vector<IndexRow> rows;
  rows.reserve(ids.size());
  for (const auto& reply : *replies) {
    auto row = redis::decode<IndexRow>(reply);
    if (!row) co_return row.error();
    rows.push_back(std::move(*row));
  }

  // 2. Per channel: which addresses are opted out (one SMISMEMBER), and which each member
  //    is the first to hold (SADD to the call's set answers 1 once per address, in this
  //    batch or an earlier one).
  struct Channel {
    bool counted;
    size_t address;  // index in IndexRow
    std::string optouts, seen;
    std::map<std::string, int64_t>* counts;
  };
  Channel both[] = {
      {channels.sms, 0, members::keys::opt_out_registry("sms"), channels.sms_seen, &breakdown.sms},
      {channels.email, 1, members::keys::opt_out_registry("email"), channels.email_seen,
       &breakdown.email}};
  for (Channel& channel : both) {
    if (!channel.counted) continue;
    std::vector<size_t> holders;  // rows with an address on this channel
    redis::Command optouts{"SMISMEMBER", channel.optouts};
    std::vector<redis::Command> checks;
    for (size_t i = 0; i < rows.size(); ++i) {
      const auto& address = channel.address == 0 ? std::get<0>(rows[i]) : std::get<1>(rows[i]);
      if (!address || address->empty()) continue;
      holders.push_back(i);
      optouts.push_back(*address);
      checks.push_back({"SADD", channel.seen, *address});
    }
    if (holders.empty()) continue;
    checks.push_back(std::move(optouts));
    checks.push_back({"EXPIRE", channel.seen, "300"});
    auto answered = co_await redis_.exec_pipeline(std::move(checks));
    if (!answered) co_return answered.error();
    // 1 or 0 per address (not vector<bool>, whose elements are no bool&).
    auto opted_out = redis::decode<std::vector<int64_t>>((*answered)[holders.size()]);
    if (!opted_out || opted_out->size() != holders.size()) {
      co_return make_error_code(redis::Errc::unexpected_reply);
    }
    for (size_t h = 0; h < holders.size(); ++h) {
      auto first = redis::decode<bool>((*answered)[h]);
      if (!first) co_return first.error();
      if (!*first || (*opted_out)[h] != 0) continue;
      ++(*channel.counts)[message_language(std::get<2>(rows[holders[h]]), languages)];
    }
  }
  co_return std::error_code();
}

boost::asio::awaitable<Result<AudienceBreakdown>> AudienceBreakdownCounter::count(
    std::string audience_key, const Alert& alert) {
  // The call's counted-address sets: unique per call, so concurrent previews never share
  // what they have counted, each under its own hash tag.
  const std::string tag = random_id();
  Channels channels{alert.channels() == SMS || alert.channels() == BOTH,
                    alert.channels() == EMAIL || alert.channels() == BOTH,
                    keys::temporary_counted(tag, "sms"), keys::temporary_counted(tag, "email")};
  std::set<std::string> languages;
  for (const auto& [language, message] : alert.messages()) languages.insert(language);

  AudienceBreakdown breakdown;
  std::error_code failure;
  std::string cursor = "0";
  do {
    redis::Command scan{"SSCAN", audience_key, cursor, "COUNT", std::to_string(batch_size_)};
    auto page = redis::decode<std::pair<std::string, std::vector<std::string>>>(
        co_await redis_.exec(std::move(scan)));
    if (!page) {
      failure = page.error();
      break;
    }
    cursor = page->first;
    if (page->second.empty()) continue;
    if (auto failed = co_await count_batch(page->second, channels, languages, breakdown)) {
      // An error names keys and commands, never member data: safe to log.
      spdlog::error("event=audience_breakdown_failed error={}", log::quote(failed.message()));
      failure = failed;
      break;
    }
  } while (cursor != "0");

  // Best effort: when Redis is away, the expiry removes them. UNLINK, one key at a time (two
  // slots): a set of 150,000 addresses is freed by a Redis thread, not while others wait.
  std::vector<redis::Command> cleanup{{"UNLINK", channels.sms_seen},
                                      {"UNLINK", channels.email_seen}};
  co_await redis_.exec_pipeline(std::move(cleanup));
  if (failure) {
    co_return redis::bad_reply_as(failure, std::make_error_code(std::errc::io_error));
  }
  co_return breakdown;
}

}  // namespace tocsin::alerts
