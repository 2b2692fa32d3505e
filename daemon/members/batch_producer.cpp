#include "members/batch_producer.h"

#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

#include "members/roster_row.h"

namespace tocsin::members {
namespace {

constexpr size_t max_ready_batches = 4;

}  // namespace

// A timer the consumer waits on; the thread cancels it (through the executor) to say
// "a batch is ready".
struct BatchProducer::Wakeup {
  explicit Wakeup(boost::asio::any_io_executor executor) : timer(executor) {}
  boost::asio::steady_timer timer;
};

BatchProducer::BatchProducer(std::unique_ptr<RecordStream> records, HeaderMap header,
                             std::string phone_region, size_t batch_size,
                             boost::asio::any_io_executor executor)
    : records_(std::move(records)),
      header_(std::move(header)),
      phone_region_(std::move(phone_region)),
      batch_size_(batch_size),
      wakeup_(std::make_shared<Wakeup>(executor)) {
  thread_ = std::thread([this] { run(); });
}

BatchProducer::~BatchProducer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  space_.notify_all();
  thread_.join();
}

void BatchProducer::run() {
  try {
    produce();
  } catch (const std::exception& e) {
    // Never let an exception end the daemon from this thread: report it as the last batch.
    ParsedBatch failed;
    failed.problems.push_back(
        make_import_problem(0, "", std::string("the import stopped: ") + e.what(), true));
    {
      std::lock_guard lock(mutex_);
      ready_.push_back(std::move(failed));
      done_ = true;
    }
    boost::asio::post(wakeup_->timer.get_executor(),
                      [wakeup = wakeup_] { wakeup->timer.cancel(); });
  }
}

void BatchProducer::produce() {
  auto publish = [this](ParsedBatch&& batch, bool last) {
    {
      std::unique_lock lock(mutex_);
      space_.wait(lock, [this] { return stopping_ || ready_.size() < max_ready_batches; });
      if (stopping_) return false;
      ready_.push_back(std::move(batch));
      done_ = last;
    }
    boost::asio::post(wakeup_->timer.get_executor(),
                      [wakeup = wakeup_] { wakeup->timer.cancel(); });
    return true;
  };

  ParsedBatch batch;
  while (auto record = records_->next()) {
    // Excel leaves rows of bare separators (",,,,") below the data: not members, not errors.
    if (record->error.empty() &&
        std::all_of(record->fields.begin(), record->fields.end(),
                    [](const std::string& field) { return field.empty(); })) {
      continue;
    }
    ++batch.rows;
    RowOutcome row = parse_roster_row(*record, header_, phone_region_);
    for (auto& problem : row.problems) batch.problems.push_back(std::move(problem));
    if (!row.member) {
      ++batch.rejected;
    } else {
      batch.members.push_back(std::move(*row.member));
      batch.lines.push_back(static_cast<int64_t>(record->line));
    }
    if (batch.members.size() >= batch_size_) {
      if (!publish(std::move(batch), false)) return;
      batch = ParsedBatch{};
    }
  }
  publish(std::move(batch), true);
}

boost::asio::awaitable<std::optional<ParsedBatch>> BatchProducer::next() {
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (!ready_.empty()) {
        ParsedBatch batch = std::move(ready_.front());
        ready_.pop_front();
        space_.notify_one();
        co_return std::optional<ParsedBatch>(std::move(batch));
      }
      if (done_) co_return std::nullopt;
    }
    // Nothing yet: sleep until the thread posts its wake-up (it can only run after this
    // wait has started, as both run on this executor).
    wakeup_->timer.expires_at(boost::asio::steady_timer::time_point::max());
    boost::system::error_code ignored;
    co_await wakeup_->timer.async_wait(
        boost::asio::redirect_error(boost::asio::use_awaitable, ignored));
  }
}

}  // namespace tocsin::members
