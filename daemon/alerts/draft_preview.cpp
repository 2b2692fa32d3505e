#include "alerts/draft_preview.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>

#include "alerts/alert_validation.h"
#include "alerts/pricing.h"
#include "members/audience.h"
#include "proto/config.pb.h"

namespace tocsin::alerts {
namespace {

using namespace std::chrono_literals;

// Long enough to cover an officer typing a text; short enough that an import's new members
// show within seconds. Past kMeasureRefreshAfter the measure is still answered and counted
// again in the background.
constexpr auto kMeasureTimeToLive = 30s;
constexpr auto kMeasureRefreshAfter = 5s;
constexpr size_t kMeasuresKept = 32;
// Members per script of a draft's breakdown: a quarter of the stored alert's batch, so that
// a measure taken while a blast runs holds Redis a few milliseconds at a time, and the
// blast's scripts and the other officers' requests pass between its batches.
constexpr size_t kBreakdownBatch = 500;

void add_problem(DraftPreviewResponse& response, std::string field, std::string reason) {
  ErrorResponse* problem = response.add_problems();
  problem->set_field(std::move(field));
  problem->set_error(std::move(reason));
}

// The field a preview warning is about. preview_warnings() (audience_measure.h) writes two
// kinds: a target's, "targets[2]: 200 yes wanted…", and a term's, "no member has…".
std::pair<std::string, std::string> warning_field(const std::string& warning) {
  if (warning.starts_with("targets[")) {
    const auto end = warning.find("]: ");
    if (end != std::string::npos) {
      return {warning.substr(0, end + 1) + ".target", warning.substr(end + 3)};
    }
  }
  return {"audience", warning};
}

}  // namespace

// The waiters sleep on `done` (set to expire never) until the measurer cancels it.
struct DraftPreviewer::Pending {
  explicit Pending(boost::asio::any_io_executor executor)
      : done(std::move(executor), boost::asio::steady_timer::time_point::max()) {}
  boost::asio::steady_timer done;
  std::optional<DraftMeasure> result;
  bool finished = false;
};

DraftPreviewer::DraftPreviewer(redis::Client& redis, const config::Config& config)
    : redis_(redis),
      config_(config),
      audience_(redis),
      breakdown_(redis, kBreakdownBatch),
      measures_(kMeasureTimeToLive, kMeasureRefreshAfter, kMeasuresKept) {}

boost::asio::awaitable<Outcome<DraftPreviewResponse>> DraftPreviewer::preview(Alert draft) {
  // A draft of the console is a new alert: children are made by the daemon only.
  draft.clear_parent_id();
  draft.clear_target_group();
  draft.clear_wave_index();
  DraftPreviewResponse response;
  const int64_t threshold = config_.alerts().approval_threshold();
  response.set_approval_threshold(threshold);
  for (FieldProblem& problem : validate_alert(draft, std::chrono::system_clock::now())) {
    add_problem(response, std::move(problem.field), std::move(problem.reason));
  }

  std::string audience_error;
  const auto expression = members::parse_audience(draft.audience(), &audience_error);
  if (!expression) {
    add_problem(response, "audience", audience_error);
    co_return response;
  }
  const std::string key = measure_key(draft);
  const auto now = MeasureCache::Clock::now();
  std::optional<DraftMeasure> known = measures_.find(key, now);
  if (!known) {
    known = co_await measure_once(key, draft, *expression);
    if (!known) co_return unavailable();
  } else if (measures_.claim_refresh(key, now)) {
    boost::asio::co_spawn(co_await boost::asio::this_coro::executor,
                          measure(key, draft, *expression), boost::asio::detached);
  }
  const members::AudienceCount& count = known->count;
  response.set_audience_members(count.members);
  response.set_sms_reachable(count.sms_reachable);
  response.set_email_reachable(count.email_reachable);
  response.set_needs_second_approval(count.members > threshold);
  if (!known->measure) {
    auto why = co_await why_nobody(redis_, *expression);
    if (!why) co_return unavailable();
    add_problem(response, "audience",
                "the audience \"" + draft.audience() + "\" holds no member: " + *why);
    co_return response;
  }
  const AudienceMeasure& measure = *known->measure;
  *response.mutable_preview() = make_preview(draft, measure.breakdown, pricing_from(config_),
                                             config_.time_zone(), config_.http().public_url());
  std::vector<std::string> warnings = known->term_warnings;
  for (std::string& warning : target_warnings(draft, measure.per_target)) {
    warnings.push_back(std::move(warning));
  }
  for (std::string& warning : warnings) {
    auto [field, reason] = warning_field(warning);
    ErrorResponse* caution = response.add_cautions();
    caution->set_field(std::move(field));
    caution->set_error(std::move(reason));
    response.mutable_preview()->add_warnings(std::move(warning));
  }
  co_return response;
}

boost::asio::awaitable<std::optional<DraftMeasure>> DraftPreviewer::measure_once(
    const std::string& key, const Alert& draft, const members::AudienceExpr& expression) {
  if (auto found = pending_.find(key); found != pending_.end()) {
    const std::shared_ptr<Pending> pending = found->second;
    while (!pending->finished) {
      boost::system::error_code woken;  // cancelled: the measure is done
      co_await pending->done.async_wait(
          boost::asio::redirect_error(boost::asio::use_awaitable, woken));
    }
    co_return pending->result;
  }
  auto pending = std::make_shared<Pending>(co_await boost::asio::this_coro::executor);
  pending_.emplace(key, pending);
  const auto finish = [this, &key, &pending] {
    pending->finished = true;
    pending->done.cancel();
    pending_.erase(key);
  };
  try {
    pending->result = co_await measure(key, draft, expression);
  } catch (...) {
    finish();  // the waiters get nullopt (503) rather than waiting for ever
    throw;
  }
  finish();
  co_return pending->result;
}

boost::asio::awaitable<std::optional<DraftMeasure>> DraftPreviewer::measure(
    std::string key, Alert draft, members::AudienceExpr expression) {
  auto count = co_await audience_.count(expression);
  if (!count) {
    measures_.refresh_failed(key);
    co_return std::nullopt;
  }
  DraftMeasure measured{.count = std::move(*count)};
  if (measured.count.members > 0) {
    auto audience = co_await measure_audience(redis_, breakdown_, draft);
    if (!audience) {
      measures_.refresh_failed(key);
      co_return std::nullopt;
    }
    measured.measure = std::move(*audience);
    auto warnings = co_await unknown_term_warnings(redis_, draft);
    if (!warnings) {
      measures_.refresh_failed(key);
      co_return std::nullopt;
    }
    measured.term_warnings = std::move(*warnings);
  }
  measures_.store(key, measured, MeasureCache::Clock::now());
  co_return measured;
}

}  // namespace tocsin::alerts
