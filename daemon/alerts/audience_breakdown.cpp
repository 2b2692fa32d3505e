#include "alerts/audience_breakdown.h"

#include <spdlog/spdlog.h>

#include <set>

#include "alerts/random_id.h"
#include "log/log.h"
#include "redis/client.h"

namespace tocsin::alerts {
namespace {

// One batch of member ids. The member index hashes are read by name, not declared in
// KEYS, like the importer's scripts: this is for one Redis (with replicas), not a cluster.
// KEYS: optout:sms, optout:email, the addresses counted so far (SMS, email).
// ARGV: count SMS ('1'/'0'), count email, the alert's languages as ",en,fr,", then ids.
// Returns { {language, count, ...} for SMS, {language, count, ...} for email }.
const redis::Script& batch_script() {
  static const redis::Script script(R"lua(
local sms_out, email_out, sms_seen, email_seen = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local count_sms, count_email, languages = ARGV[1] == '1', ARGV[2] == '1', ARGV[3]
local sms, email = {}, {}

local function message_language(stored)
  if stored and stored ~= '' and string.find(languages, ',' .. stored .. ',', 1, true) then
    return stored
  end
  return 'fr'
end

-- SADD answers 1 only for the first member with this address, in this batch or an earlier
-- one: the one message a shared address gets is counted once.
local function reaches(address, optout, seen)
  return address and address ~= '' and redis.call('SISMEMBER', optout, address) == 0 and
         redis.call('SADD', seen, address) == 1
end

local function tally(counts, language)
  counts[language] = (counts[language] or 0) + 1
end

for i = 4, #ARGV do
  local idx = redis.call('HMGET', 'member:' .. ARGV[i] .. ':idx', 'mobile', 'email', 'language')
  local language = message_language(idx[3])
  if count_sms and reaches(idx[1], sms_out, sms_seen) then tally(sms, language) end
  if count_email and reaches(idx[2], email_out, email_seen) then tally(email, language) end
end
redis.call('EXPIRE', sms_seen, 300)
redis.call('EXPIRE', email_seen, 300)

local function flat(counts)
  local out = {}
  for language, n in pairs(counts) do
    out[#out + 1] = language
    out[#out + 1] = n
  end
  return out
end
return { flat(sms), flat(email) }
)lua");
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

bool add_counts(const redis::Reply& pairs, std::map<std::string, int64_t>& counts) {
  if (pairs.type != redis::Reply::Type::array || pairs.elements.size() % 2 != 0) return false;
  for (size_t i = 0; i < pairs.elements.size(); i += 2) {
    const redis::Reply& n = pairs.elements[i + 1];
    if (n.type != redis::Reply::Type::integer) return false;
    counts[pairs.elements[i].str] += n.integer;
  }
  return true;
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
  const std::string seen_prefix = "tmp:brk:{" + random_id() + "}:";
  const std::string sms_seen = seen_prefix + "sms";
  const std::string email_seen = seen_prefix + "email";
  const std::string languages = language_list(alert);

  AudienceBreakdown breakdown;
  std::error_code failure;
  std::string cursor = "0";
  do {
    redis::Command scan{"SSCAN", audience_key, cursor, "COUNT", std::to_string(batch_size_)};
    auto page = co_await redis_.exec(std::move(scan));
    if (!page) {
      failure = page.error();
      break;
    }
    if (page->elements.size() != 2) {
      failure = std::make_error_code(std::errc::io_error);
      break;
    }
    cursor = page->elements[0].str;
    if (page->elements[1].elements.empty()) continue;
    std::vector<std::string> args{sms ? "1" : "0", email ? "1" : "0", languages};
    args.reserve(3 + page->elements[1].elements.size());
    for (auto& id : page->elements[1].elements) args.push_back(std::move(id.str));
    std::vector<std::string> keys{"optout:sms", "optout:email", sms_seen, email_seen};
    auto reply = co_await redis_.eval(batch_script(), std::move(keys), std::move(args));
    if (!reply) {
      failure = reply.error();
      break;
    }
    const bool well_formed = reply->type == redis::Reply::Type::array &&
                             reply->elements.size() == 2 &&
                             add_counts(reply->elements[0], breakdown.sms) &&
                             add_counts(reply->elements[1], breakdown.email);
    if (!well_formed) {
      // An error reply names keys and commands, never member data: safe to log.
      spdlog::error("event=audience_breakdown_failed error={}",
                    log::quote(reply->is_error() ? reply->str : "unexpected reply"));
      failure = std::make_error_code(std::errc::io_error);
      break;
    }
  } while (cursor != "0");

  // Best effort: when Redis is away, the expiry removes them.
  // UNLINK: a set of 150,000 addresses is freed by a Redis thread, not while others wait.
  redis::Command cleanup{"UNLINK", sms_seen, email_seen};
  co_await redis_.exec(std::move(cleanup));
  if (failure) co_return failure;
  co_return breakdown;
}

}  // namespace tocsin::alerts
