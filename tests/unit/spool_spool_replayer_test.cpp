// The spool's replay, with a real spool on disk and an `apply` step standing in for Redis
// (the seam the replayer is written against): nothing is tried while Redis is away; records
// go in order once it is back; one that finds Redis gone again is tried again, never
// skipped; one Redis keeps refusing is set aside after a few tries and the rest go on;
// when Redis refuses every record, none is set aside.

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "spool/spool.h"
#include "spool/spool_replayer.h"
#include "tests/support/run_until.h"
#include "tests/support/temp_dir.h"

namespace tocsin::spool {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

class SpoolReplayerTest : public ::testing::Test {
 protected:
  SpoolReplayerTest() {
    SpoolOptions options;
    options.directory = dir_.path() / "spool";
    spool_ = std::make_unique<Spool>(io_.get_executor(), options);
  }

  void append(const std::vector<std::string>& payloads) {
    for (const auto& payload : payloads) {
      bool done = false;
      asio::co_spawn(
          io_,
          [&]() -> asio::awaitable<void> {
            auto appended = co_await spool_->append(payload);
            EXPECT_TRUE(appended && *appended == Appended::kept);
            done = true;
          },
          asio::detached);
      run_until([&] { return done; });
    }
  }

  // Runs the loop until `condition` holds, for at most 5 s; whether it held.
  template <class Condition>
  bool run_until(Condition condition) {
    return testing::run_until(io_, condition, 5s, 5ms);
  }

  void start(SpoolReplayer::Apply apply) {
    ReplayerOptions options;
    options.poll = 5ms;
    options.retry_pause = 5ms;
    replayer_ = std::make_unique<SpoolReplayer>(
        io_.get_executor(), *spool_, [this] { return ready_; }, std::move(apply), options);
    asio::co_spawn(io_, replayer_->run(), asio::detached);
  }

  testing::TempDir dir_{"tocsin-replayer"};
  asio::io_context io_;
  std::unique_ptr<Spool> spool_;
  std::unique_ptr<SpoolReplayer> replayer_;
  bool ready_ = false;
  std::vector<std::string> applied_;
};

TEST_F(SpoolReplayerTest, NothingIsTriedWhileRedisIsAwayThenAllInOrder) {
  int tries = 0;
  start([&](const std::string& payload) -> asio::awaitable<Replayed> {
    ++tries;
    applied_.push_back(payload);
    co_return Replayed::done;
  });
  append({"OUI", "NON", "OUI BUS"});
  io_.restart();
  io_.run_for(50ms);
  EXPECT_EQ(tries, 0);
  EXPECT_TRUE(spool_->holding());

  ready_ = true;
  replayer_->notify();
  ASSERT_TRUE(run_until([&] { return !spool_->holding(); }));
  EXPECT_EQ(applied_, (std::vector<std::string>{"OUI", "NON", "OUI BUS"}));
  EXPECT_EQ(replayer_->replayed(), 3u);
  replayer_->stop();
}

TEST_F(SpoolReplayerTest, ARecordThatFindsRedisGoneAgainIsTriedAgainNotSkipped) {
  ready_ = true;
  std::map<std::string, int> tries;
  start([&](const std::string& payload) -> asio::awaitable<Replayed> {
    if (payload == "NON" && ++tries[payload] < 3) co_return Replayed::later;
    applied_.push_back(payload);
    co_return Replayed::done;
  });
  append({"OUI", "NON", "OUI BUS"});
  ASSERT_TRUE(run_until([&] { return !spool_->holding(); }));
  EXPECT_EQ(applied_, (std::vector<std::string>{"OUI", "NON", "OUI BUS"}));
  EXPECT_EQ(tries["NON"], 3);
  EXPECT_EQ(replayer_->set_aside(), 0u);
  replayer_->stop();
}

TEST_F(SpoolReplayerTest, ARecordRedisKeepsRefusingIsSetAsideAndTheRestGoOn) {
  ready_ = true;
  int refusals = 0;
  start([&](const std::string& payload) -> asio::awaitable<Replayed> {
    if (payload == "bad") {
      ++refusals;
      co_return Replayed::refused;
    }
    applied_.push_back(payload);
    co_return Replayed::done;
  });
  append({"OUI", "bad", "NON"});
  ASSERT_TRUE(run_until([&] { return !spool_->holding(); }));
  EXPECT_EQ(applied_, (std::vector<std::string>{"OUI", "NON"}));
  EXPECT_GE(refusals, ReplayerOptions{}.refusals_before_set_aside);
  EXPECT_EQ(replayer_->set_aside(), 1u);
  EXPECT_TRUE(std::filesystem::exists(dir_.path() / "spool" / "set-aside.spool"));
  replayer_->stop();
}

TEST_F(SpoolReplayerTest, WhenRedisRefusesEveryRecordNoneIsSetAside) {
  ready_ = true;
  bool out_of_memory = true;
  int refusals = 0;
  start([&](const std::string& payload) -> asio::awaitable<Replayed> {
    if (out_of_memory) {
      ++refusals;
      co_return Replayed::refused;
    }
    applied_.push_back(payload);
    co_return Replayed::done;
  });
  append({"OUI", "NON", "OUI BUS"});
  ASSERT_TRUE(run_until([&] { return refusals >= 20; }));
  EXPECT_EQ(replayer_->set_aside(), 0u);
  EXPECT_TRUE(applied_.empty());
  out_of_memory = false;
  ASSERT_TRUE(run_until([&] { return !spool_->holding(); }));
  EXPECT_EQ(applied_, (std::vector<std::string>{"OUI", "NON", "OUI BUS"}));
  EXPECT_EQ(replayer_->set_aside(), 0u);
  replayer_->stop();
}

}  // namespace
}  // namespace tocsin::spool
