#include "alerts/audience_measure.h"

#include "alerts/alert_keys.h"
#include "alerts/audience_breakdown.h"
#include "alerts/audience_set.h"
#include "alerts/random_id.h"
#include "members/member_keys.h"
#include "members/text_fold.h"
#include "members/unknown_terms.h"
#include "redis/client.h"
#include "redis/decode.h"

namespace tocsin::alerts {
namespace {

// The private copy of the audience: gone after the count, or after this many seconds should
// the daemon die before deleting it.
constexpr const char* kTemporaryKeySeconds = "300";

}  // namespace

boost::asio::awaitable<Result<AudienceMeasure>> measure_audience(
    redis::Client& redis, AudienceBreakdownCounter& breakdown, const Alert& alert) {
  const std::string audience_key = keys::temporary_preview(random_id());
  auto stored = co_await materialize_audience(redis, alert, audience_key);
  if (!stored) co_return stored.error();
  std::vector<redis::Command> size_it{{"EXPIRE", audience_key, kTemporaryKeySeconds},
                                      {"SCARD", audience_key}};
  // How many of the audience each target counts among (SINTERCARD: a count, no copy).
  for (const TurnoutTarget& target : alert.targets()) {
    size_it.push_back({"SINTERCARD", "2", audience_key,
                       members::index_key(target.dimension(), members::fold(target.value()))});
  }
  // EXPIRE, SCARD, then one SINTERCARD per target.
  const size_t replies = size_it.size();
  auto sized = co_await redis.exec_pipeline(std::move(size_it));
  std::optional<Result<AudienceBreakdown>> counted;
  if (sized && sized->size() == replies) counted = co_await breakdown.count(audience_key, alert);
  // UNLINK: the copy of a whole roster is freed by a Redis thread, not while others wait.
  redis::Command cleanup{"UNLINK", audience_key};
  co_await redis.exec(std::move(cleanup));
  if (!sized) co_return sized.error();
  if (!counted) co_return std::make_error_code(std::errc::protocol_error);
  if (!*counted) co_return counted->error();
  auto sizes = redis::decode_each<redis::Ignore, int64_t, redis::Rest<int64_t>>(sized);
  if (!sizes) co_return std::make_error_code(std::errc::protocol_error);

  AudienceMeasure measure{.members = std::get<1>(*sizes), .breakdown = std::move(**counted)};
  measure.per_target = std::move(std::get<2>(*sizes).values);
  co_return measure;
}

boost::asio::awaitable<Result<std::string>> why_nobody(redis::Client& redis,
                                                       const members::AudienceExpr& expression) {
  auto unknown = co_await members::find_unknown_terms(redis, members::terms(expression));
  if (!unknown) co_return unknown.error();
  if (!unknown->empty()) co_return members::describe(*unknown);
  redis::Command roster{"SCARD", std::string(members::keys::kAll)};
  auto size = redis::decode<int64_t>(co_await redis.exec(std::move(roster)));
  if (!size) co_return size.error();
  if (*size == 0) {
    co_return std::string("no member has been imported yet (tocsin members import FILE)");
  }
  co_return std::string(
      "each of its terms matches members, but no member matches them all together");
}

boost::asio::awaitable<Result<std::vector<std::string>>> unknown_term_warnings(redis::Client& redis,
                                                                               const Alert& alert) {
  std::vector<std::string> warnings;
  if (!alert.parent_id().empty()) co_return warnings;
  const auto expression = members::parse_audience(alert.audience());
  if (!expression) co_return warnings;
  auto unknown = co_await members::find_unknown_terms(redis, members::terms(*expression));
  if (!unknown) co_return unknown.error();
  for (const members::UnknownTerm& term : *unknown) {
    warnings.push_back(members::describe(term) + ": that part of the audience reaches nobody");
  }
  co_return warnings;
}

boost::asio::awaitable<Result<std::vector<std::string>>> preview_warnings(
    redis::Client& redis, const Alert& alert, const std::vector<int64_t>& per_target) {
  auto warnings = co_await unknown_term_warnings(redis, alert);
  if (!warnings) co_return warnings.error();
  for (std::string& warning : target_warnings(alert, per_target)) {
    warnings->push_back(std::move(warning));
  }
  co_return warnings;
}

}  // namespace tocsin::alerts
