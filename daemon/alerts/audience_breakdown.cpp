#include "alerts/audience_breakdown.h"

#include <spdlog/spdlog.h>

#include <set>

#include "alerts/alert_keys.h"
#include "alerts/audience_breakdown.lua.h"
#include "alerts/random_id.h"
#include "log/log.h"
#include "members/member_keys.h"
#include "redis/client.h"
#include "redis/decode.h"
#include "redis/script.h"

namespace tocsin::alerts {
namespace {

const redis::Script& batch_script() {
  static const redis::Script script(std::string(lua::audience_breakdown));
  return script;
}

// ",en,fr,": a language is found with one plain string.find in the script.
std::string language_list(const Alert& alert) {
  std::set<std::string> languages;
  for (const auto& [language, message] : alert.messages()) languages.insert(language);
  std::string list = ",";
  for (const auto& language : languages) list += language + ",";
  return list;
}

void add_counts(const std::map<std::string, int64_t>& batch,
                std::map<std::string, int64_t>& counts) {
  for (const auto& [language, n] : batch) counts[language] += n;
}

}  // namespace

AudienceBreakdownCounter::AudienceBreakdownCounter(redis::Client& redis, size_t batch_size)
    : redis_(redis), batch_size_(batch_size == 0 ? kDefaultBatchSize : batch_size) {
  redis_.load_on_connect(batch_script());
}

boost::asio::awaitable<Result<AudienceBreakdown>> AudienceBreakdownCounter::count(
    std::string audience_key, const Alert& alert) {
  const bool sms = alert.channels() == SMS || alert.channels() == BOTH;
  const bool email = alert.channels() == EMAIL || alert.channels() == BOTH;
  // Unique per call, so concurrent previews never share what they have counted; the hash
  // tag keeps one call's keys together should they ever move to a cluster.
  const std::string tag = random_id();
  const std::string sms_seen = keys::temporary_counted(tag, "sms");
  const std::string email_seen = keys::temporary_counted(tag, "email");
  const std::string languages = language_list(alert);

  AudienceBreakdown breakdown;
  std::error_code failure;
  std::string cursor = "0";
  do {
    redis::Command scan{"SSCAN", audience_key, cursor, "COUNT", std::to_string(batch_size_)};
    auto page = redis::decode<std::pair<std::string, std::vector<std::string>>>(
        co_await redis_.exec(std::move(scan)));
    if (!page) {
      failure = redis::bad_reply_as(page.error(), std::make_error_code(std::errc::io_error));
      break;
    }
    cursor = page->first;
    if (page->second.empty()) continue;
    std::vector<std::string> script_keys{members::keys::opt_out_registry("sms"),
                                         members::keys::opt_out_registry("email"), sms_seen,
                                         email_seen};
    script_keys.reserve(4 + page->second.size());
    for (const auto& id : page->second) script_keys.push_back(members::keys::index(id));
    std::vector<std::string> args{sms ? "1" : "0", email ? "1" : "0", languages};
    using Counts = std::map<std::string, int64_t>;
    std::string why;
    auto counts = redis::decode<std::pair<Counts, Counts>>(
        co_await redis_.eval(batch_script(), std::move(script_keys), std::move(args)), &why);
    if (!counts) {
      const auto io_error = std::make_error_code(std::errc::io_error);
      failure = redis::bad_reply_as(counts.error(), io_error);
      // An error reply names keys and commands, never member data: safe to log.
      if (failure == io_error) {
        spdlog::error("event=audience_breakdown_failed error={}", log::quote(why));
      }
      break;
    }
    add_counts(counts->first, breakdown.sms);
    add_counts(counts->second, breakdown.email);
  } while (cursor != "0");

  // Best effort: when Redis is away, the expiry removes them.
  // UNLINK: a set of 150,000 addresses is freed by a Redis thread, not while others wait.
  redis::Command cleanup{"UNLINK", sms_seen, email_seen};
  co_await redis_.exec(std::move(cleanup));
  if (failure) co_return failure;
  co_return breakdown;
}

}  // namespace tocsin::alerts
