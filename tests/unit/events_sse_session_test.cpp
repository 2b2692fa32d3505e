// SseSession (events/sse_session.h) with a sink that records what is written: the first
// event, then the hub's entries, each once and after what the snapshot covered (the route
// subscribes before reading the snapshot, so the hub may hand over entries the snapshot
// already has), scoped, with a heartbeat when idle; a viewer too far behind is let go.

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <thread>

#include "events/sse_parser.h"
#include "events/sse_session.h"
#include "redis/client.h"
#include "redis/reply.h"

namespace tocsin::events {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

// Records writes; each wait() lets the test feed the session, and ends the stream when
// the script of feedings is over.
class RecordingSink : public http::StreamSink {
 public:
  std::string written;
  std::vector<std::chrono::milliseconds> waits;
  std::function<void(int)> on_wait;  // called with the wait's number, from 0
  int max_waits = 10;

  asio::awaitable<bool> write(std::string_view chunk) override {
    written += chunk;
    co_return open_;
  }
  asio::awaitable<void> wait(std::chrono::milliseconds timeout) override {
    waits.push_back(timeout);
    const int number = static_cast<int>(waits.size()) - 1;
    if (number >= max_waits) open_ = false;
    if (on_wait) on_wait(number);
    co_return;
  }
  void wake() override {}
  void end() override { open_ = false; }
  bool open() const override { return open_; }

 private:
  bool open_ = true;
};

std::shared_ptr<const TurnoutEntry> entry(const std::string& id,
                                          std::vector<std::pair<std::string, std::string>> fields) {
  redis::Reply raw;
  raw.type = redis::Reply::Type::array;
  redis::Reply name;
  name.type = redis::Reply::Type::string;
  name.str = id;
  redis::Reply pairs;
  pairs.type = redis::Reply::Type::array;
  for (auto& [field, value] : fields) {
    redis::Reply f;
    f.type = redis::Reply::Type::string;
    f.str = field;
    pairs.elements.push_back(f);
    f.str = value;
    pairs.elements.push_back(f);
  }
  raw.elements = {name, pairs};
  return std::make_shared<const TurnoutEntry>(*parse_entry(raw));
}

class EventsSseSession : public ::testing::Test {
 protected:
  std::vector<SseEvent> run(SseSession& session, RecordingSink& sink) {
    asio::co_spawn(io_, session.run(sink), asio::detached);
    io_.run();
    std::vector<SseEvent> events;
    SseParser parser([&events](SseEvent event) { events.push_back(std::move(event)); });
    parser.feed(sink.written);
    heartbeats_ = parser.comments();
    return events;
  }

  asio::io_context io_;
  redis::Client redis_{io_.get_executor(), redis::Options{}};  // never connected here
  uint64_t heartbeats_ = 0;
};

TEST_F(EventsSseSession, EntriesTheSnapshotCoveredAreSkippedAndTheRestSentOnce) {
  SseSession session(redis_, "a1", turnout::Scope::everything(), {.heartbeat = 1h});
  // Handed over by the hub between the subscription and the snapshot's read.
  session.on_entry(entry("100-0", {{"estrie|all|yes", "1"}}));
  session.on_entry(entry("200-0", {{"estrie|all|yes", "2"}}));
  session.start_with_snapshot("200-0", R"({"fields":{"estrie|all|yes":2}})");
  RecordingSink sink;
  sink.max_waits = 3;
  sink.on_wait = [&](int number) {
    if (number == 0) {
      session.on_entry(entry("200-0", {{"estrie|all|yes", "2"}}));  // again: skipped
      session.on_entry(entry("300-0", {{"estrie|all|yes", "3"}}));
      session.on_state("sent");
    }
    if (number == 1) session.on_entry(entry("300-0", {{"estrie|all|yes", "3"}}));
  };
  const auto events = run(session, sink);
  ASSERT_EQ(events.size(), 3u) << sink.written;
  EXPECT_EQ(events[0].event, "snapshot");
  EXPECT_EQ(events[0].id, "200-0");
  EXPECT_EQ(events[1].event, "change");
  EXPECT_EQ(events[1].id, "300-0");
  EXPECT_EQ(events[1].data, R"({"at_ms":300,"fields":{"estrie|all|yes":3}})");
  EXPECT_EQ(events[2].event, "state");
  EXPECT_EQ(events[2].data, R"({"state":"sent"})");
}

TEST_F(EventsSseSession, ChangesAreScopedAndOnesWithNothingInScopeAreNotSent) {
  SseSession session(redis_, "a1", turnout::Scope::of_regions({"estrie"}), {.heartbeat = 1h});
  session.start_with_snapshot("0-0", "{}");
  session.on_entry(entry("1-0", {{"monteregie|all|yes", "4"}}));
  session.on_entry(entry("2-0", {{"monteregie|all|yes", "5"}, {"estrie|all|no", "1"}}));
  RecordingSink sink;
  sink.max_waits = 1;
  const auto events = run(session, sink);
  ASSERT_EQ(events.size(), 2u) << sink.written;
  EXPECT_EQ(events[1].id, "2-0");
  EXPECT_EQ(events[1].data, R"({"at_ms":2,"fields":{"estrie|all|no":1}})");
  EXPECT_EQ(sink.written.find("monteregie"), std::string::npos);
}

TEST_F(EventsSseSession, IdleStreamGetsAHeartbeatAfterTheInterval) {
  SseSession session(redis_, "a1", turnout::Scope::everything(), {.heartbeat = 50ms});
  session.start_with_snapshot("0-0", "{}");
  RecordingSink sink;
  sink.max_waits = 4;
  sink.on_wait = [](int) { std::this_thread::sleep_for(20ms); };
  run(session, sink);
  // Each wait is for what is left of the interval (the whole of it right after a write);
  // once 50 ms passed with nothing written, a heartbeat.
  EXPECT_GT(sink.waits[0], 40ms);
  for (auto wait : sink.waits) EXPECT_LE(wait, 50ms);
  EXPECT_GE(heartbeats_, 1u);
  EXPECT_LE(heartbeats_, sink.waits.size());
}

TEST_F(EventsSseSession, ViewerTooFarBehindIsLetGo) {
  SseSession session(redis_, "a1", turnout::Scope::everything(),
                     {.heartbeat = 1h, .max_queued = 5});
  session.start_with_snapshot("0-0", "{}");
  for (int i = 1; i <= 5; ++i) session.on_entry(entry(std::to_string(i) + "-0", {{"-|all|yes", "1"}}));
  EXPECT_FALSE(session.lagging());
  session.on_entry(entry("6-0", {{"-|all|yes", "1"}}));
  EXPECT_TRUE(session.lagging());
  RecordingSink sink;
  const auto events = run(session, sink);
  EXPECT_TRUE(events.empty()) << "it reconnects with Last-Event-ID instead";
}

}  // namespace
}  // namespace tocsin::events
