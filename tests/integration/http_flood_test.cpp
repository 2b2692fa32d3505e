// A real tocsind flooded with connections that send nothing or too little: a signed Twilio
// webhook and /healthz are still answered within a second while more idle sockets than
// http.max_connections are held open from several addresses; a silent connection or a
// slow request head is closed at http.header_timeout_ms (a kept-alive connection between
// requests waits idle_timeout_ms); an address past http.max_connections_per_client gets
// 503 while another address connects. Flood sockets come from 127.0.0.2..127.0.0.9 (bound
// before connect), so the per-client cap alone cannot explain what the server does.

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/alert_scenario.h"
#include "tests/support/daemon_process.h"
#include "tests/support/http_client.h"
#include "tests/support/redis_server.h"
#include "tests/support/twilio_server.h"

namespace tocsin::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr int kMaxConnections = 64;
constexpr int kPerClient = 16;
constexpr auto kHeaderTimeout = 2000ms;

// The daemon's HTTP limits in these tests: small caps, a header timeout far below the
// request and idle timeouts so that which one closed a connection is plain.
std::string http_fields(std::chrono::milliseconds header_timeout = kHeaderTimeout) {
  return "max_connections: " + std::to_string(kMaxConnections) +
         " max_connections_per_client: " + std::to_string(kPerClient) +
         " header_timeout_ms: " + std::to_string(header_timeout.count()) +
         " request_timeout_ms: " + std::to_string(std::max<int64_t>(10000, header_timeout.count())) +
         " idle_timeout_ms: 60000";
}

std::chrono::milliseconds since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
}

// Idle sockets, `per_source` from each of 127.0.0.2.. onwards, sending nothing. With
// keep_up(), a thread opens a new one for each the server closes, as a flooder would.
class Flood {
 public:
  Flood(uint16_t port, int sources, int per_source) : port_(port) {
    for (int s = 0; s < sources; ++s) {
      for (int i = 0; i < per_source; ++i) sources_.push_back("127.0.0." + std::to_string(2 + s));
    }
    for (const auto& source : sources_) sockets_.push_back(open(source));
  }
  ~Flood() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }

  void keep_up() {
    thread_ = std::thread([this] {
      while (!stop_) {
        for (size_t i = 0; i < sockets_.size(); ++i) {
          if (sockets_[i]->closed_by_peer()) {
            ++cut_;
            sockets_[i] = open(sources_[i]);
          }
        }
        // Pacing, not waiting: a flooder as fast as the test's own requests would only
        // measure this machine's two cores.
        std::this_thread::sleep_for(20ms);
      }
    });
  }
  size_t size() const { return sockets_.size(); }
  // Sockets the server closed and the flood opened again.
  uint64_t cut() const { return cut_; }

 private:
  std::unique_ptr<RawConnection> open(const std::string& source) {
    return std::make_unique<RawConnection>(port_, source);
  }

  uint16_t port_;
  std::vector<std::string> sources_;
  std::vector<std::unique_ptr<RawConnection>> sockets_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> cut_{0};
};

class HttpFlood : public ::testing::Test {
 protected:
  void start(const std::string& fields) {
    DaemonProcess::Options options;
    options.redis_url = redis_.url();
    options.http_fields = fields;
    options.extra_config = twilio_gateway_config("tw", twilio_, 10);
    daemon_ = std::make_unique<DaemonProcess>(options);
    ASSERT_TRUE(eventually([&] { return http_get(url("/readyz")).status == 200; }, 10s));
  }

  std::string url(const std::string& path) const { return daemon_->base_url() + path; }

  // A counter or gauge from /metrics; -1 when absent.
  double metric(const std::string& name) {
    const std::string body = http_get(url("/metrics")).body;
    const std::regex line("(^|\n)" + name + " ([0-9.e+]+)\n");
    std::smatch match;
    return std::regex_search(body, match, line) ? std::stod(match[2]) : -1;
  }

  RedisServer redis_;
  TwilioServer twilio_;
  std::unique_ptr<DaemonProcess> daemon_;
};

TEST_F(HttpFlood, WebhookAndHealthzAnswerWithinASecondWhileIdleSocketsOutnumberTheCap) {
  start(http_fields());
  // 8 addresses x 12 = 96 idle sockets, every address under its cap of 16, together more
  // than the 64 the server holds.
  Flood flood(daemon_->port(), 8, 12);
  ASSERT_GT(flood.size(), static_cast<size_t>(kMaxConnections));
  // Connections are accepted in the order they came: by the time this scrape is served, the
  // server has taken the flood in, evicting at least 96 - 64 to make room (a scrape at a
  // full server evicts one more, so this is read once, not polled).
  EXPECT_GE(metric("tocsin_http_connections_evicted_total"), 96 - kMaxConnections);
  EXPECT_GE(metric("tocsin_http_connections_open"), kMaxConnections - 1);
  flood.keep_up();

  std::chrono::milliseconds slowest{0};
  for (int i = 0; i < 5; ++i) {
    auto started = Clock::now();
    auto health = http_get(url("/healthz"));
    EXPECT_EQ(health.status, 200) << health.error << health.body;
    EXPECT_LT(since(started), 1000ms) << "/healthz, probe " << i;
    slowest = std::max(slowest, since(started));

    started = Clock::now();
    auto hook = post_twilio_reply(daemon_->base_url(), "tw", twilio_, "+15145551234", "OUI",
                                  "SM00000000000000000000000000000" + std::to_string(100 + i));
    EXPECT_EQ(hook.status, 200) << hook.error << hook.body;
    EXPECT_LT(since(started), 1000ms) << "signed webhook, probe " << i;
    slowest = std::max(slowest, since(started));
  }
  EXPECT_GT(flood.cut(), 0u) << "the flood was held open and pushed out, not left alone";
  RecordProperty("slowest_probe_ms", static_cast<int>(slowest.count()));
  RecordProperty("flood_sockets_cut", static_cast<int>(flood.cut()));

  // Hundreds of connections shed, and no log line per connection above debug.
  const std::string log = daemon_->process().stderr_text();
  std::istringstream lines(log);
  int loud = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.find("http_connection") != std::string::npos &&
        line.find("level=debug") == std::string::npos) {
      ++loud;
    }
  }
  EXPECT_LE(loud, 2) << log;
}

TEST_F(HttpFlood, SilentConnectionIsClosedAtTheHeaderTimeoutLongBeforeTheIdleTimeout) {
  start(http_fields());
  RawConnection silent(daemon_->port());
  const auto started = Clock::now();
  bool closed = false;
  const std::string reply = silent.read_until_closed(20s, &closed);
  ASSERT_TRUE(closed) << "still open after 20 s";
  const auto took = since(started);
  EXPECT_GE(took, kHeaderTimeout - 200ms);
  EXPECT_LT(took, kHeaderTimeout + 3000ms) << "idle_timeout_ms is 60000";
  EXPECT_EQ(reply, "") << "there was no request to answer";
  EXPECT_EQ(metric("tocsin_http_header_timeouts_total"), 1);
}

TEST_F(HttpFlood, SlowPartialRequestHeadIsCutAtTheHeaderTimeout) {
  start(http_fields());
  RawConnection slow(daemon_->port());
  ASSERT_TRUE(slow.send("GET /healthz HTTP/1.1\r\nHost: t\r\n"));
  const auto started = Clock::now();
  bool closed = false;
  std::string reply;
  // One header line every 250 ms, never the blank line that ends the head.
  for (int i = 0; !closed && since(started) < 15s; ++i) {
    if (!slow.send("X-Slow-" + std::to_string(i) + ": a\r\n")) break;
    reply += slow.read_until_closed(250ms, &closed);
  }
  if (!closed) reply += slow.read_until_closed(2s, &closed);
  ASSERT_TRUE(closed) << "a trickling head was never cut";
  const auto took = since(started);
  EXPECT_GE(took, kHeaderTimeout - 200ms);
  EXPECT_LT(took, kHeaderTimeout + 3000ms) << "request_timeout_ms is 10000";
  EXPECT_EQ(reply, "");
  EXPECT_EQ(metric("tocsin_http_header_timeouts_total"), 1);
}

TEST_F(HttpFlood, KeptAliveConnectionWaitsForItsNextRequestPastTheHeaderTimeout) {
  start(http_fields());
  RawConnection kept(daemon_->port());
  ASSERT_TRUE(kept.send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n"));
  bool closed = false;
  EXPECT_NE(kept.read_until("\r\n\r\n", 5s, &closed).find("HTTP/1.1 200"), std::string::npos);
  // Between requests idle_timeout_ms (60 s) applies, not header_timeout_ms.
  kept.read_until_closed(kHeaderTimeout + 1000ms, &closed);
  ASSERT_FALSE(closed) << "closed between requests at the header timeout";
  ASSERT_TRUE(kept.send("GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"));
  const std::string second = kept.read_until_closed(5s, &closed);
  EXPECT_NE(second.find("HTTP/1.1 200"), std::string::npos) << second;
}

TEST_F(HttpFlood, AddressPastItsCapGets503WhileAnotherAddressConnects) {
  // A header timeout long enough that the held sockets cannot be closed during the test.
  start(http_fields(30000ms));
  std::vector<std::unique_ptr<RawConnection>> held;
  for (int i = 0; i < kPerClient; ++i) {
    held.push_back(std::make_unique<RawConnection>(daemon_->port(), "127.0.0.2"));
  }
  RawConnection extra(daemon_->port(), "127.0.0.2");
  bool closed = false;
  const std::string refused = extra.read_until_closed(5s, &closed);
  EXPECT_TRUE(closed);
  EXPECT_EQ(refused.rfind("HTTP/1.1 503", 0), 0u) << refused;
  EXPECT_NE(refused.find("Connection: close"), std::string::npos) << refused;
  EXPECT_NE(refused.find("too many connections from your address"), std::string::npos);

  RawConnection other(daemon_->port(), "127.0.0.3");
  ASSERT_TRUE(other.send("GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"));
  const std::string answer = other.read_until_closed(5s, &closed);
  EXPECT_EQ(answer.rfind("HTTP/1.1 200", 0), 0u) << answer;

  for (auto& socket : held) EXPECT_FALSE(socket->closed_by_peer()) << "the first 16 are kept";
  EXPECT_EQ(metric("tocsin_http_connections_refused_client_total"), 1);
  EXPECT_EQ(metric("tocsin_http_connections_evicted_total"), 0);
}

}  // namespace
}  // namespace tocsin::testing
