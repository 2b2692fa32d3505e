#include "members/audience_walk.h"

#include <tuple>

#include "members/audience_predicate.h"
#include "members/audience_slice.lua.h"
#include "members/member_keys.h"
#include "redis/client.h"
#include "redis/decode.h"
#include "redis/script.h"
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

const redis::Script& audience_slice_script() {
  static const redis::Script script(std::string(lua::audience_slice));
  return script;
}

boost::asio::awaitable<std::error_code> walk_audience(redis::Client& redis,
                                                      const AudienceExpr& expr, int slice,
                                                      redis::SliceStep step) {
  const auto term_list = terms(expr);
  auto driver = co_await driver_key(redis, expr, term_list);
  if (!driver) co_return driver.error();
  std::vector<std::string> script_keys{*driver};
  for (const auto& [dimension, value] : term_list) {
    script_keys.push_back(index_key(dimension, value));
  }
  const std::vector<std::string> program = compile_predicate(expr);
  std::string cursor = "0";
  do {
    std::vector<std::string> args{cursor, std::to_string(slice)};
    args.insert(args.end(), program.begin(), program.end());
    auto page = redis::decode<std::tuple<std::string, std::vector<std::string>>>(
        co_await redis.eval(audience_slice_script(), script_keys, std::move(args)));
    if (!page) co_return redis::bad_reply_as(page.error(), kIoError);
    auto& [next, chosen] = *page;
    cursor = std::move(next);
    if (chosen.empty()) continue;
    if (auto error = co_await step(std::move(chosen))) co_return error;
  } while (cursor != "0");
  co_return std::error_code();
}

}  // namespace tocsin::members
