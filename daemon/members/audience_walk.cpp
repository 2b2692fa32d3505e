#include "members/audience_walk.h"

#include <utility>
#include <vector>

#include "members/audience_predicate.h"
#include "members/member_keys.h"
#include "redis/client.h"
#include "redis/decode.h"
#include "util/result.h"

namespace tocsin::members {
namespace {

const auto kIoError = std::make_error_code(std::errc::io_error);

// The driver: the smallest index every selected member is in, else members:all.
boost::asio::awaitable<Result<std::string>> driver_key(
    redis::Client& redis, const AudienceExpr& expr,
    const std::vector<std::pair<std::string, std::string>>& term_list) {
  const std::vector<size_t> candidates = conjunct_terms(expr);
  if (candidates.empty()) co_return std::string(keys::kAll);
  std::vector<redis::Command> sizes;
  for (size_t k : candidates) {
    sizes.push_back({"SCARD", index_key(term_list[k].first, term_list[k].second)});
  }
  auto replies = co_await redis.exec_pipeline(std::move(sizes));
  if (!replies) co_return replies.error();
  std::vector<int64_t> counts;
  for (const auto& reply : *replies) {
    auto count = redis::decode<int64_t>(reply);
    if (!count) co_return kIoError;
    counts.push_back(*count);
  }
  const size_t k = *choose_driver(candidates, counts);
  co_return index_key(term_list[k].first, term_list[k].second);
}

}  // namespace

boost::asio::awaitable<std::error_code> walk_audience(redis::Client& redis,
                                                      const AudienceExpr& expr, int slice,
                                                      redis::SliceStep step) {
  const auto term_list = terms(expr);
  auto driver = co_await driver_key(redis, expr, term_list);
  if (!driver) co_return driver.error();
  std::vector<std::string> term_keys;
  for (const auto& [dimension, value] : term_list) term_keys.push_back(index_key(dimension, value));
  const std::vector<std::string> program = compile_predicate(expr);
  std::string cursor = "0";
  do {
    // A page of the driver, then one SMISMEMBER per term for the whole page (an absent
    // index answers 0 for everyone).
    redis::Command scan{"SSCAN", *driver, cursor, "COUNT", std::to_string(slice)};
    auto page = redis::decode<std::pair<std::string, std::vector<std::string>>>(
        co_await redis.exec(std::move(scan)));
    if (!page) co_return redis::bad_reply_as(page.error(), kIoError);
    auto& [next, ids] = *page;
    cursor = std::move(next);
    if (ids.empty()) continue;
    std::vector<std::vector<int64_t>> member_of;
    if (!term_keys.empty()) {
      std::vector<redis::Command> lookups;
      for (const auto& key : term_keys) {
        redis::Command lookup{"SMISMEMBER", key};
        lookup.insert(lookup.end(), ids.begin(), ids.end());
        lookups.push_back(std::move(lookup));
      }
      auto replies = co_await redis.exec_pipeline(std::move(lookups));
      if (!replies) co_return replies.error();
      for (const auto& reply : *replies) {
        auto row = redis::decode<std::vector<int64_t>>(reply);
        if (!row) co_return redis::bad_reply_as(row.error(), kIoError);
        member_of.push_back(std::move(*row));
      }
    }
    std::vector<std::string> chosen;
    for (size_t i : select_members(program, member_of, ids.size())) {
      chosen.push_back(std::move(ids[i]));
    }
    if (chosen.empty()) continue;
    if (auto error = co_await step(std::move(chosen))) co_return error;
  } while (cursor != "0");
  co_return std::error_code();
}

}  // namespace tocsin::members
