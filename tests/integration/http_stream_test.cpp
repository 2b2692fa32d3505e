// Stream bodies (http/stream.h) through the real HTTP server on loopback, in this process:
// chunked transfer encoding read by libcurl as it comes, neither the request deadline nor
// the idle timeout cut a stream, a client that stops reading is let go after the write
// bound, a client that leaves ends the body at once, shutdown ends streams at once, and
// streams hold their connections against max_connections: a full server lets an idle
// connection go for a new one, never a stream.

#include <curl/curl.h>
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_future.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>

#include "http/router.h"
#include "http/server.h"
#include "http/stream.h"
#include "metrics/registry.h"
#include "tests/support/daemon_process.h"
#include "tests/support/http_client.h"

namespace tocsin::http {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using testing::eventually;

// What the test bodies report to the test thread.
struct Observed {
  std::atomic<int> running{0};
  std::atomic<int> ended{0};
  std::atomic<uint64_t> bytes_written{0};
};

// Writes "tick N\n" every `interval`, `count` times.
class Ticks : public StreamBody {
 public:
  Ticks(Observed& seen, int count, std::chrono::milliseconds interval)
      : seen_(seen), count_(count), interval_(interval) {}
  asio::awaitable<void> run(StreamSink& sink) override {
    ++seen_.running;
    for (int i = 0; i < count_ && sink.open(); ++i) {
      const std::string tick = "tick " + std::to_string(i) + "\n";
      if (!co_await sink.write(tick)) break;
      co_await sink.wait(interval_);
    }
    --seen_.running;
    ++seen_.ended;
  }

 private:
  Observed& seen_;
  int count_;
  std::chrono::milliseconds interval_;
};

// Writes 64 KiB chunks for as long as they are taken.
class Flood : public StreamBody {
 public:
  explicit Flood(Observed& seen) : seen_(seen) {}
  asio::awaitable<void> run(StreamSink& sink) override {
    ++seen_.running;
    const std::string chunk(64 << 10, 'x');
    while (co_await sink.write(chunk)) seen_.bytes_written += chunk.size();
    --seen_.running;
    ++seen_.ended;
  }

 private:
  Observed& seen_;
};

// Says hello, then waits an hour unless the stream ends first.
class Idle : public StreamBody {
 public:
  explicit Idle(Observed& seen) : seen_(seen) {}
  asio::awaitable<void> run(StreamSink& sink) override {
    ++seen_.running;
    co_await sink.write(": hello\n\n");
    while (sink.open()) co_await sink.wait(1h);
    --seen_.running;
    ++seen_.ended;
  }

 private:
  Observed& seen_;
};

class HttpStream : public ::testing::Test {
 protected:
  void start(ServerLimits limits) {
    router_.add("GET", "/ticks", {}, [this](Request&) -> asio::awaitable<Response> {
      Response response;
      response.content_type = "text/event-stream";
      response.stream = std::make_shared<Ticks>(seen_, 20, 50ms);
      co_return response;
    });
    router_.add("GET", "/flood", {}, [this](Request&) -> asio::awaitable<Response> {
      Response response;
      response.stream = std::make_shared<Flood>(seen_);
      co_return response;
    });
    router_.add("GET", "/idle", {}, [this](Request&) -> asio::awaitable<Response> {
      Response response;
      response.stream = std::make_shared<Idle>(seen_);
      co_return response;
    });
    router_.add("GET", "/plain", {}, [](Request&) -> asio::awaitable<Response> {
      Response response;
      response.body = "{}";
      co_return response;
    });
    server_ = std::make_unique<Server>(io_.get_executor(), router_, limits);
    const auto bound = server_->listen("127.0.0.1", 0);
    ASSERT_TRUE(bound) << bound.error().message();
    port_ = *bound;
    server_->start();
    thread_ = std::thread([this] { io_.run(); });
  }

  void TearDown() override {
    if (server_ && !stopped_) shut_down(1s);
    work_.reset();
    if (thread_.joinable()) thread_.join();
  }

  // Runs server.shutdown(grace) on the server's thread; how long it took.
  std::chrono::milliseconds shut_down(std::chrono::milliseconds grace) {
    stopped_ = true;
    const auto started = Clock::now();
    asio::co_spawn(io_, server_->shutdown(grace), asio::use_future).get();
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
  }

  template <class Value>
  Value on_server(Value (Server::*read)() const) {
    std::promise<Value> result;
    asio::post(io_, [&] { result.set_value(((*server_).*read)()); });
    return result.get_future().get();
  }

  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

  asio::io_context io_{1};
  asio::executor_work_guard<asio::io_context::executor_type> work_{io_.get_executor()};
  metrics::Registry metrics_;
  Router router_{metrics_, [] { return true; },
                 [](std::string) -> asio::awaitable<Result<std::optional<auth::Principal>>> {
                   co_return std::optional<auth::Principal>{};
                 }};
  Observed seen_;
  std::unique_ptr<Server> server_;
  uint16_t port_ = 0;
  std::thread thread_;
  bool stopped_ = false;
};

struct CurlRead {
  std::string headers;
  std::string body;
  std::vector<Clock::duration> arrivals;  // when each piece of the body came, from the start
  Clock::time_point started;
};

size_t on_body(char* data, size_t size, size_t count, void* out) {
  auto* read = static_cast<CurlRead*>(out);
  read->body.append(data, size * count);
  read->arrivals.push_back(Clock::now() - read->started);
  return size * count;
}

size_t on_header(char* data, size_t size, size_t count, void* out) {
  static_cast<CurlRead*>(out)->headers.append(data, size * count);
  return size * count;
}

TEST_F(HttpStream, StreamIsChunkedAndOutlivesTheRequestDeadlineAndIdleTimeout) {
  start({.request_timeout = 200ms, .idle_timeout = 200ms});
  CurlRead read;
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
  const std::string target = url("/ticks");
  curl_easy_setopt(curl.get(), CURLOPT_URL, target.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &read);
  curl_easy_setopt(curl.get(), CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl.get(), CURLOPT_HEADERDATA, &read);
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, 10000L);
  read.started = Clock::now();
  ASSERT_EQ(curl_easy_perform(curl.get()), CURLE_OK);  // the last chunk came: a clean end
  long status = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
  EXPECT_EQ(status, 200);
  EXPECT_NE(read.headers.find("Transfer-Encoding: chunked"), std::string::npos) << read.headers;
  EXPECT_EQ(read.headers.find("Content-Length"), std::string::npos) << read.headers;
  for (int i = 0; i < 20; ++i) {
    EXPECT_NE(read.body.find("tick " + std::to_string(i) + "\n"), std::string::npos) << i;
  }
  // ~1 s of ticks, five times the request deadline, read as they were written.
  ASSERT_FALSE(read.arrivals.empty());
  EXPECT_LT(read.arrivals.front(), 500ms);
  EXPECT_GE(read.arrivals.back(), 900ms);
  EXPECT_GE(read.arrivals.size(), 10u) << "pieces of the body came one by one";
  EXPECT_TRUE(eventually([&] { return seen_.ended == 1; }, 2s));
}

TEST_F(HttpStream, ClientThatStopsReadingIsCutAfterTheWriteBound) {
  start({.stream_write_timeout = 300ms});
  testing::RawConnection client(port_);
  ASSERT_TRUE(client.send("GET /flood HTTP/1.1\r\nHost: x\r\n\r\n"));
  // It never reads: the socket buffers fill, the write blocks, and the bound ends it.
  ASSERT_TRUE(eventually([&] { return seen_.running == 1; }, 2s));
  const auto blocked = Clock::now();
  ASSERT_TRUE(eventually([&] { return seen_.ended == 1; }, 10s));
  EXPECT_LT(Clock::now() - blocked, 5s);
  // What was written is what the socket buffers hold, not an ever-growing queue.
  EXPECT_LT(seen_.bytes_written.load(), 64ull << 20);
  EXPECT_TRUE(eventually([&] { return on_server(&Server::open_connections) == 0; }, 2s));
}

TEST_F(HttpStream, ClientLeavingEndsTheBodyAtOnce) {
  start({});
  {
    testing::RawConnection client(port_);
    ASSERT_TRUE(client.send("GET /idle HTTP/1.1\r\nHost: x\r\n\r\n"));
    bool closed = false;
    const std::string head = client.read_until(": hello", 5s, &closed);
    EXPECT_NE(head.find("Transfer-Encoding: chunked"), std::string::npos) << head;
    EXPECT_EQ(on_server(&Server::open_streams), 1u);
  }  // closed here; the body waits for an hour unless told
  EXPECT_TRUE(eventually([&] { return seen_.ended == 1; }, 1s));
  EXPECT_TRUE(eventually([&] { return on_server(&Server::open_connections) == 0; }, 1s));
}

TEST_F(HttpStream, ShutdownEndsStreamsAtOnceWithTheLastChunk) {
  start({});
  std::vector<std::unique_ptr<testing::RawConnection>> clients;
  for (int i = 0; i < 3; ++i) {
    clients.push_back(std::make_unique<testing::RawConnection>(port_));
    ASSERT_TRUE(clients.back()->send("GET /idle HTTP/1.1\r\nHost: x\r\n\r\n"));
    bool closed = false;
    clients.back()->read_until(": hello", 5s, &closed);
  }
  ASSERT_EQ(on_server(&Server::open_streams), 3u);
  EXPECT_LT(shut_down(10s), 1s) << "streams do not wait for the grace period";
  EXPECT_EQ(seen_.ended, 3);
  for (auto& client : clients) {
    bool closed = false;
    const std::string rest = client->read_until_closed(2s, &closed);
    EXPECT_TRUE(closed);
    EXPECT_NE(rest.find("0\r\n\r\n"), std::string::npos) << "the last chunk: " << rest;
  }
}

TEST_F(HttpStream, StreamsCountAgainstMaxConnections) {
  start({.max_connections = 2});
  auto first = std::make_unique<testing::RawConnection>(port_);
  testing::RawConnection second(port_);
  for (auto* client : {first.get(), &second}) {
    ASSERT_TRUE(client->send("GET /idle HTTP/1.1\r\nHost: x\r\n\r\n"));
    bool closed = false;
    client->read_until(": hello", 5s, &closed);
  }
  EXPECT_EQ(testing::http_get(url("/plain")).status, 503);
  first.reset();  // one stream goes: its connection is free again
  EXPECT_TRUE(eventually([&] { return testing::http_get(url("/plain")).status == 200; }, 2s));
}

TEST_F(HttpStream, FullServerEvictsAnIdleConnectionButNeverAStream) {
  start({.max_connections = 2});
  testing::RawConnection stream(port_);
  ASSERT_TRUE(stream.send("GET /idle HTTP/1.1\r\nHost: x\r\n\r\n"));
  bool closed = false;
  stream.read_until(": hello", 5s, &closed);
  testing::RawConnection idle(port_);  // sends nothing
  ASSERT_TRUE(eventually([&] { return on_server(&Server::open_connections) == 2; }, 2s));
  EXPECT_EQ(testing::http_get(url("/plain")).status, 200) << "the idle connection gave way";
  idle.read_until_closed(2s, &closed);
  EXPECT_TRUE(closed);
  EXPECT_EQ(on_server(&Server::shed).evicted, 1u);
  EXPECT_EQ(seen_.running, 1) << "the stream goes on";
  EXPECT_FALSE(stream.closed_by_peer());
}

TEST_F(HttpStream, HeadOfAStreamRouteGetsHeadersOnly) {
  start({});
  auto head = testing::http_request("HEAD", url("/idle"));
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(seen_.running + seen_.ended, 0) << "the body never ran";
}

}  // namespace
}  // namespace tocsin::http
