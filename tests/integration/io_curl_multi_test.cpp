// CurlMulti against a real HTTP/1.1 server on loopback: round trips, keep-alive reuse,
// concurrency on one thread, timeouts, refused connections, and shutdown with requests in
// flight.

#include <arpa/inet.h>
#include <curl/curl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <functional>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "io/curl_multi.h"
#include "io/request_executor.h"
#include "tests/support/ports.h"
#include "tests/support/temp_dir.h"

namespace tocsin::io {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using adapters::GatewayResponse;
using adapters::Headers;
using adapters::HttpRequest;
using Clock = std::chrono::steady_clock;

bool same_name(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::optional<std::string> find_header(const Headers& headers, const std::string& name) {
  for (const auto& [key, value] : headers) {
    if (same_name(key, name)) return value;
  }
  return std::nullopt;
}

// A small HTTP/1.1 server: one thread per connection, keep-alive, bodies framed by
// Content-Length only. It records every request, counts the connections it accepted, and
// answers what the handler says (called on the connection's thread). A reply with hang set
// is never sent: the connection stays silent until the server is destroyed. One with
// close_after set is sent, then the connection is closed, as an idle timeout would.
class TestHttpServer {
 public:
  struct Request {
    std::string method;
    std::string target;
    Headers headers;
    std::string body;
  };
  struct Reply {
    int status = 200;
    std::string body = "ok";
    Headers headers;
    bool hang = false;
    bool close_after = false;  // close the connection once answered, without saying so
  };
  using Handler = std::function<Reply(const Request&)>;

  explicit TestHttpServer(Handler handler = {}) : handler_(std::move(handler)) {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
        ::listen(listener_, 128) != 0 ||
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      throw std::runtime_error("test server: cannot listen");
    }
    port_ = ntohs(address.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
  }

  ~TestHttpServer() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
      // Wakes accept() and every recv(); the fds are closed once their threads are done.
      ::shutdown(listener_, SHUT_RDWR);
      for (int fd : connections_) ::shutdown(fd, SHUT_RDWR);
    }
    changed_.notify_all();
    acceptor_.join();
    for (auto& thread : threads_) thread.join();
    for (int fd : connections_) ::close(fd);
    ::close(listener_);
  }

  std::string url(const std::string& target) const {
    return "http://127.0.0.1:" + std::to_string(port_) + target;
  }

  size_t connections_accepted() {
    std::lock_guard lock(mutex_);
    return connections_.size();
  }

  std::vector<Request> requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  void accept_loop() {
    for (;;) {
      const int fd = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      std::lock_guard lock(mutex_);
      if (stopping_) {
        if (fd >= 0) ::close(fd);
        return;
      }
      if (fd < 0) continue;
      connections_.push_back(fd);
      threads_.emplace_back([this, fd] { serve(fd); });
    }
  }

  // Reads requests off one connection and answers them in order, until the client closes.
  void serve(int fd) {
    std::string buffer;
    for (;;) {
      size_t header_end;
      while ((header_end = buffer.find("\r\n\r\n")) == std::string::npos) {
        if (!receive(fd, &buffer)) return;
      }
      Request request = parse_head(buffer.substr(0, header_end));
      buffer.erase(0, header_end + 4);
      const auto length = find_header(request.headers, "Content-Length");
      const size_t body_size = length ? std::stoul(*length) : 0;
      while (buffer.size() < body_size) {
        if (!receive(fd, &buffer)) return;
      }
      request.body = buffer.substr(0, body_size);
      buffer.erase(0, body_size);

      Reply reply = handler_ ? handler_(request) : Reply{};
      {
        std::lock_guard lock(mutex_);
        requests_.push_back(std::move(request));
      }
      if (reply.hang) {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [this] { return stopping_; });
        return;
      }
      std::string out = "HTTP/1.1 " + std::to_string(reply.status) + " Whatever\r\n";
      for (const auto& [name, value] : reply.headers) out += name + ": " + value + "\r\n";
      out += "Content-Length: " + std::to_string(reply.body.size()) + "\r\n\r\n" + reply.body;
      for (size_t sent = 0; sent < out.size();) {
        const ssize_t n = ::send(fd, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) return;
        sent += static_cast<size_t>(n);
      }
      if (reply.close_after) {
        ::shutdown(fd, SHUT_RDWR);
        return;
      }
    }
  }

  static bool receive(int fd, std::string* buffer) {
    char chunk[65536];
    const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer->append(chunk, static_cast<size_t>(n));
    return true;
  }

  static Request parse_head(const std::string& head) {
    Request request;
    size_t line_end = head.find("\r\n");
    const std::string request_line = head.substr(0, line_end);
    const size_t space = request_line.find(' ');
    request.method = request_line.substr(0, space);
    request.target = request_line.substr(space + 1, request_line.rfind(' ') - space - 1);
    while (line_end != std::string::npos) {
      const size_t start = line_end + 2;
      line_end = head.find("\r\n", start);
      const std::string line = head.substr(start, line_end - start);
      const size_t colon = line.find(':');
      if (colon == std::string::npos) continue;
      size_t value_start = colon + 1;
      while (value_start < line.size() && line[value_start] == ' ') ++value_start;
      request.headers.emplace_back(line.substr(0, colon), line.substr(value_start));
    }
    return request;
  }

  Handler handler_;
  int listener_ = -1;
  uint16_t port_ = 0;
  std::thread acceptor_;
  std::mutex mutex_;
  std::condition_variable changed_;
  bool stopping_ = false;
  std::vector<int> connections_;
  std::vector<std::thread> threads_;
  std::vector<Request> requests_;
};

HttpRequest get(const std::string& url, std::chrono::milliseconds timeout = 5s) {
  HttpRequest request;
  request.method = "GET";
  request.url = url;
  request.timeout = timeout;
  return request;
}

class CurlMultiTest : public ::testing::Test {
 protected:
  // Runs `body` as a coroutine on io_ (g++ 12 keeps the lambda alive only this way).
  template <class Body>
  void spawn(Body body) {
    asio::co_spawn(io_, std::move(body), [](std::exception_ptr error) {
      if (error) ADD_FAILURE() << "a test coroutine threw";
    });
  }

  // Runs the loop until nothing is left to do: every coroutine done, and no wait of the
  // client's left behind. A hang shows as a failure, not a stuck test.
  void run(std::chrono::seconds limit = 20s) {
    io_.run_for(limit);
    EXPECT_TRUE(io_.stopped()) << "work still pending after " << limit.count() << " s";
  }

  asio::io_context io_;
};

TEST_F(CurlMultiTest, GetRoundTrip) {
  TestHttpServer server([](const TestHttpServer::Request&) {
    TestHttpServer::Reply reply;
    reply.status = 202;
    reply.body = "{\"sid\":\"SM123\"}";
    reply.headers = {{"Content-Type", "application/json"}, {"X-Request-Id", "r-42"}};
    return reply;
  });
  CurlMulti client(io_.get_executor());
  GatewayResponse response;
  spawn([&]() -> asio::awaitable<void> {
    HttpRequest request = get(server.url("/v1/status?id=SM123&x=%C3%A9"));
    request.headers = {{"Authorization", "Bearer secret"}, {"X-Empty", ""}};
    response = co_await client.execute(std::move(request));
  });
  run();

  EXPECT_EQ(response.transport_error, 0) << response.transport_message;
  EXPECT_FALSE(response.timed_out);
  EXPECT_EQ(response.http_status, 202);
  EXPECT_EQ(response.body, "{\"sid\":\"SM123\"}");
  EXPECT_EQ(find_header(response.headers, "Content-Type"), "application/json");
  EXPECT_EQ(find_header(response.headers, "X-Request-Id"), "r-42");
  EXPECT_EQ(find_header(response.headers, "Content-Length"), "15");
  EXPECT_FALSE(find_header(response.headers, "HTTP/1.1 202 Whatever").has_value());

  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "GET");
  EXPECT_EQ(requests[0].target, "/v1/status?id=SM123&x=%C3%A9");
  EXPECT_EQ(find_header(requests[0].headers, "Authorization"), "Bearer secret");
  EXPECT_EQ(find_header(requests[0].headers, "X-Empty"), "");
  EXPECT_TRUE(requests[0].body.empty());
  EXPECT_EQ(client.transfers_started(), 1u);
  EXPECT_EQ(client.transfers_in_flight(), 0u);
}

TEST_F(CurlMultiTest, PostRoundTripCarriesBodyAndHeaders) {
  // Echoes the body back, so both directions are checked byte for byte.
  TestHttpServer server([](const TestHttpServer::Request& request) {
    TestHttpServer::Reply reply;
    reply.status = 201;
    reply.body = request.body;
    return reply;
  });
  CurlMulti client(io_.get_executor());
  const std::string form = "To=%2B18195551234&Body=Gr%C3%A8ve+demain";
  std::string binary("a\0b\r\n\xff", 6);
  std::string large(1 << 20, 'x');  // several reads and writes each way
  for (size_t i = 0; i < large.size(); i += 4096) large[i] = static_cast<char>('a' + i % 26);
  std::vector<GatewayResponse> responses(3);
  spawn([&]() -> asio::awaitable<void> {
    const std::vector<std::string> bodies = {form, binary, large};
    for (size_t i = 0; i < bodies.size(); ++i) {
      HttpRequest request;
      request.method = "POST";
      request.url = server.url("/2010-04-01/Messages.json");
      request.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                         {"Idempotency-Key", "alert:member:" + std::to_string(i)}};
      request.body = bodies[i];
      responses[i] = co_await client.execute(std::move(request));
    }
  });
  const auto started = Clock::now();
  run();
  // No "Expect: 100-continue" round trip stalls the large body.
  EXPECT_LT(Clock::now() - started, 900ms);

  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 3u);
  const std::vector<std::string> expected = {form, binary, large};
  for (size_t i = 0; i < 3; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(responses[i].transport_error, 0) << responses[i].transport_message;
    EXPECT_EQ(responses[i].http_status, 201);
    EXPECT_TRUE(responses[i].body == expected[i]);
    EXPECT_EQ(requests[i].method, "POST");
    EXPECT_EQ(requests[i].target, "/2010-04-01/Messages.json");
    EXPECT_TRUE(requests[i].body == expected[i]);
    EXPECT_EQ(find_header(requests[i].headers, "Content-Type"),
              "application/x-www-form-urlencoded");
    EXPECT_EQ(find_header(requests[i].headers, "Idempotency-Key"),
              "alert:member:" + std::to_string(i));
    EXPECT_FALSE(find_header(requests[i].headers, "Expect").has_value());
  }
}

TEST_F(CurlMultiTest, ErrorStatusIsAResponseNotATransportError) {
  TestHttpServer server([](const TestHttpServer::Request&) {
    TestHttpServer::Reply reply;
    reply.status = 429;
    reply.body = "slow down";
    reply.headers = {{"Retry-After", "2"}};
    return reply;
  });
  CurlMulti client(io_.get_executor());
  GatewayResponse response;
  spawn(
      [&]() -> asio::awaitable<void> { response = co_await client.execute(get(server.url("/"))); });
  run();
  EXPECT_EQ(response.transport_error, 0);
  EXPECT_EQ(response.http_status, 429);
  EXPECT_EQ(response.body, "slow down");
  EXPECT_EQ(find_header(response.headers, "Retry-After"), "2");
}

TEST_F(CurlMultiTest, OversizedResponseIsCutOff) {
  TestHttpServer server([](const TestHttpServer::Request& request) {
    TestHttpServer::Reply reply;
    reply.body = std::string(request.target == "/big" ? 5000 : 1000, 'x');
    return reply;
  });
  CurlMultiOptions options;
  options.max_response_bytes = 1000;
  CurlMulti client(io_.get_executor(), options);
  GatewayResponse big;
  GatewayResponse fits;
  spawn([&]() -> asio::awaitable<void> {
    big = co_await client.execute(get(server.url("/big")));
    fits = co_await client.execute(get(server.url("/fits")));
  });
  run();
  EXPECT_EQ(big.transport_error, CURLE_WRITE_ERROR);
  EXPECT_EQ(big.transport_message, "response body over 1000 bytes");
  EXPECT_EQ(fits.transport_error, 0) << fits.transport_message;
  EXPECT_EQ(fits.body.size(), 1000u);
}

TEST_F(CurlMultiTest, SequentialRequestsReuseOneConnection) {
  TestHttpServer server([](const TestHttpServer::Request& request) {
    TestHttpServer::Reply reply;
    reply.body = request.target;
    return reply;
  });
  CurlMulti client(io_.get_executor());
  int correct = 0;
  spawn([&]() -> asio::awaitable<void> {
    for (int i = 0; i < 200; ++i) {
      const std::string target = "/n/" + std::to_string(i);
      auto response = co_await client.execute(get(server.url(target)));
      if (response.http_status == 200 && response.body == target) ++correct;
    }
  });
  run();
  EXPECT_EQ(correct, 200);
  EXPECT_EQ(server.requests().size(), 200u);
  EXPECT_EQ(server.connections_accepted(), 1u);
  EXPECT_EQ(client.connections_opened(), 1u);
  EXPECT_EQ(client.transfers_started(), 200u);
}

// A finished transfer is given the next request with its options in place when the request
// has the same shape (URL, method, headers, timeout), and is reset and set up anew when
// not: either way, the server gets exactly the request asked for, nothing left over from
// the one before (a header, a body, a method), and every response says when its request
// was written.
TEST_F(CurlMultiTest, AReusedTransferSendsOnlyItsOwnRequest) {
  TestHttpServer server([](const TestHttpServer::Request& request) {
    TestHttpServer::Reply reply;
    reply.body = request.method + " " + request.target + " " + request.body;
    return reply;
  });
  CurlMulti client(io_.get_executor());
  auto post = [&](const std::string& target, const std::string& body) {
    HttpRequest request;
    request.method = "POST";
    request.url = server.url(target);
    request.headers = {{"Authorization", "Basic QUM6dG9rZW4="},
                       {"Content-Type", "application/x-www-form-urlencoded"}};
    request.body = body;
    request.timeout = 5s;
    return request;
  };
  std::vector<HttpRequest> sequence;
  sequence.push_back(post("/a", "Body=one"));
  sequence.push_back(post("/a", "Body=two"));  // same shape: only the body changes
  sequence.push_back(get(server.url("/b")));   // another shape on the same transfer
  HttpRequest put = post("/a", "");
  put.method = "PUT";
  put.headers = {{"X-Only-Here", "1"}};
  sequence.push_back(std::move(put));
  sequence.push_back(post("/a", "Body=three"));
  sequence.push_back(get(server.url("/b")));
  const size_t count = sequence.size();
  std::vector<GatewayResponse> responses;
  std::vector<std::pair<Clock::time_point, Clock::time_point>> spans;  // execute .. answer
  spawn([&]() -> asio::awaitable<void> {
    for (HttpRequest& request : sequence) {
      const auto before = Clock::now();
      responses.push_back(co_await client.execute(std::move(request)));
      spans.emplace_back(before, Clock::now());
    }
  });
  run();

  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), count);
  ASSERT_EQ(responses.size(), count);
  const std::vector<std::string> methods = {"POST", "POST", "GET", "PUT", "POST", "GET"};
  const std::vector<std::string> targets = {"/a", "/a", "/b", "/a", "/a", "/b"};
  const std::vector<std::string> bodies = {"Body=one", "Body=two", "", "", "Body=three", ""};
  for (size_t i = 0; i < count; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(responses[i].http_status, 200) << responses[i].transport_message;
    EXPECT_EQ(requests[i].method, methods[i]);
    EXPECT_EQ(requests[i].target, targets[i]);
    EXPECT_EQ(requests[i].body, bodies[i]);
    const bool form = methods[i] == "POST";
    EXPECT_EQ(find_header(requests[i].headers, "Authorization").has_value(), form);
    EXPECT_EQ(find_header(requests[i].headers, "Content-Type").has_value(), form);
    EXPECT_EQ(find_header(requests[i].headers, "X-Only-Here").has_value(), methods[i] == "PUT");
    EXPECT_EQ(find_header(requests[i].headers, "Content-Length").has_value(), form);
    ASSERT_TRUE(responses[i].written_at.has_value());
    EXPECT_GE(*responses[i].written_at, spans[i].first);
    EXPECT_LE(*responses[i].written_at, spans[i].second);
  }
  EXPECT_EQ(client.connections_opened(), 1u);
}

TEST_F(CurlMultiTest, ConnectionClosedByThePeerIsReplaced) {
  TestHttpServer server([](const TestHttpServer::Request&) {
    TestHttpServer::Reply reply;
    reply.close_after = true;
    return reply;
  });
  CurlMulti client(io_.get_executor());
  std::vector<GatewayResponse> responses;
  spawn([&]() -> asio::awaitable<void> {
    for (int i = 0; i < 3; ++i) {
      responses.push_back(co_await client.execute(get(server.url("/"))));
    }
  });
  run();
  ASSERT_EQ(responses.size(), 3u);
  for (const auto& response : responses) {
    EXPECT_EQ(response.transport_error, 0) << response.transport_message;
    EXPECT_EQ(response.http_status, 200);
  }
  EXPECT_EQ(server.connections_accepted(), 3u);
}

TEST_F(CurlMultiTest, HundredConcurrentRequestsOnOneThread) {
  TestHttpServer server([](const TestHttpServer::Request& request) {
    TestHttpServer::Reply reply;
    reply.body = "echo:" + request.body;
    return reply;
  });
  CurlMultiOptions options;
  options.max_host_connections = 8;
  CurlMulti client(io_.get_executor(), options);
  std::vector<GatewayResponse> responses(100);
  for (size_t i = 0; i < responses.size(); ++i) {
    spawn([&, i]() -> asio::awaitable<void> {
      HttpRequest request;
      request.method = "POST";
      request.url = server.url("/send");
      request.body = "message " + std::to_string(i);
      responses[i] = co_await client.execute(std::move(request));
    });
  }
  run();
  for (size_t i = 0; i < responses.size(); ++i) {
    EXPECT_EQ(responses[i].transport_error, 0) << i << ": " << responses[i].transport_message;
    EXPECT_EQ(responses[i].http_status, 200) << i;
    EXPECT_EQ(responses[i].body, "echo:message " + std::to_string(i));
  }
  EXPECT_EQ(server.requests().size(), 100u);
  // Queued behind the per-host limit, not refused, and not one connection per request.
  EXPECT_LE(server.connections_accepted(), 8u);
  EXPECT_GE(server.connections_accepted(), 1u);
  EXPECT_EQ(client.transfers_in_flight(), 0u);
}

TEST_F(CurlMultiTest, SilentServerTimesOut) {
  TestHttpServer server([](const TestHttpServer::Request&) {
    TestHttpServer::Reply reply;
    reply.hang = true;
    return reply;
  });
  CurlMulti client(io_.get_executor());
  GatewayResponse response;
  Clock::duration took{};
  spawn([&]() -> asio::awaitable<void> {
    const auto started = Clock::now();
    response = co_await client.execute(get(server.url("/slow"), 300ms));
    took = Clock::now() - started;
  });
  run();
  EXPECT_TRUE(response.timed_out);
  EXPECT_EQ(response.transport_error, CURLE_OPERATION_TIMEDOUT);
  EXPECT_FALSE(response.transport_message.empty());
  EXPECT_EQ(response.http_status, 0);
  EXPECT_GE(took, 290ms);
  EXPECT_LT(took, 1500ms);
  // The request had reached the server: the provider may have acted on it.
  EXPECT_TRUE(response.request_sent);
}

// A provider 300 ms away: the requests a gateway may have in flight all go out at once,
// each on its own connection, rather than 16 at a time behind a per-host cap (which made
// a 256-wide gateway run at 16 / 0.3 s = 53 requests a second).
TEST_F(CurlMultiTest, ConcurrentRequestsAreNotCappedPerHost) {
  TestHttpServer server([](const TestHttpServer::Request&) {
    std::this_thread::sleep_for(300ms);  // the server's thread per connection
    return TestHttpServer::Reply{};
  });
  CurlMulti client(io_.get_executor());
  constexpr int kRequests = 64;
  int answered = 0;
  for (int i = 0; i < kRequests; ++i) {
    spawn([&]() -> asio::awaitable<void> {
      auto response = co_await client.execute(get(server.url("/slow"), 5s));
      if (response.http_status == 200) ++answered;
    });
  }
  const auto started = Clock::now();
  run();
  EXPECT_EQ(answered, kRequests);
  EXPECT_EQ(server.connections_accepted(), static_cast<size_t>(kRequests));
  // 64 at once take one latency; 16 at a time would take four.
  EXPECT_LT(Clock::now() - started, 1000ms);
}

// Time spent waiting for a free connection is not the provider's: with one connection
// allowed, five requests to a server answering in 200 ms, each with 300 ms to be
// answered, all succeed, although the last waits 800 ms before it is written.
TEST_F(CurlMultiTest, TheAnswerTimeoutStartsWhenTheRequestIsWritten) {
  TestHttpServer server([](const TestHttpServer::Request&) {
    std::this_thread::sleep_for(200ms);
    return TestHttpServer::Reply{};
  });
  CurlMultiOptions options;
  options.max_host_connections = 1;
  CurlMulti client(io_.get_executor(), options);
  std::vector<GatewayResponse> responses(5);
  for (size_t i = 0; i < responses.size(); ++i) {
    spawn([&, i]() -> asio::awaitable<void> {
      responses[i] = co_await client.execute(get(server.url("/"), 300ms));
    });
  }
  run();
  for (size_t i = 0; i < responses.size(); ++i) {
    EXPECT_EQ(responses[i].http_status, 200) << i << ": " << responses[i].transport_message;
    EXPECT_FALSE(responses[i].timed_out) << i;
  }
  EXPECT_EQ(server.requests().size(), 5u);
}

TEST_F(CurlMultiTest, RefusedConnectionFailsFast) {
  const uint16_t port = testing::free_tcp_port();  // nothing listens there
  CurlMulti client(io_.get_executor());
  GatewayResponse response;
  Clock::duration took{};
  spawn([&]() -> asio::awaitable<void> {
    const auto started = Clock::now();
    response = co_await client.execute(get("http://127.0.0.1:" + std::to_string(port) + "/"));
    took = Clock::now() - started;
  });
  run();
  EXPECT_EQ(response.transport_error, CURLE_COULDNT_CONNECT) << response.transport_message;
  EXPECT_FALSE(response.timed_out);
  EXPECT_FALSE(response.request_sent);  // nothing reached anyone: safe to send again
  EXPECT_FALSE(response.transport_message.empty());
  EXPECT_LT(took, 1s);
  EXPECT_EQ(client.connections_opened(), 1u);  // the attempt counts
}

TEST_F(CurlMultiTest, SchemesOtherThanHttpAreRefused) {
  CurlMulti client(io_.get_executor());
  GatewayResponse response;
  spawn([&]() -> asio::awaitable<void> {
    response = co_await client.execute(get("file:///etc/passwd"));
  });
  run();
  EXPECT_EQ(response.transport_error, CURLE_UNSUPPORTED_PROTOCOL);
  EXPECT_TRUE(response.body.empty());
}

TEST_F(CurlMultiTest, DestroyingTheClientCompletesPendingRequests) {
  auto client = std::make_unique<CurlMulti>(io_.get_executor());
  // The server destroys the client as soon as the requests reach it: they are truly in
  // flight, on an open connection.
  std::atomic<int> arrived = 0;
  TestHttpServer server([&](const TestHttpServer::Request&) {
    if (++arrived == 2) asio::post(io_, [&] { client.reset(); });
    TestHttpServer::Reply reply;
    reply.hang = true;
    return reply;
  });
  std::vector<GatewayResponse> responses(2);
  for (size_t i = 0; i < responses.size(); ++i) {
    spawn([&, i]() -> asio::awaitable<void> {
      responses[i] = co_await client->execute(get(server.url("/hang"), 10s));
    });
  }
  const auto started = Clock::now();
  run();  // returns only if the client left no socket wait or timer behind
  EXPECT_LT(Clock::now() - started, 5s);
  EXPECT_FALSE(client);
  for (const auto& response : responses) {
    EXPECT_EQ(response.transport_error, CURLE_ABORTED_BY_CALLBACK);
    EXPECT_FALSE(response.transport_message.empty());
    EXPECT_FALSE(response.timed_out);
  }
}

TEST_F(CurlMultiTest, ShutdownRefusesLaterRequestsAtOnce) {
  TestHttpServer server;
  CurlMulti client(io_.get_executor());
  GatewayResponse before;
  GatewayResponse after;
  spawn([&]() -> asio::awaitable<void> {
    before = co_await client.execute(get(server.url("/")));
    client.shutdown();
    client.shutdown();  // idempotent
    after = co_await client.execute(get(server.url("/")));
  });
  run();
  EXPECT_EQ(before.http_status, 200);
  EXPECT_EQ(after.transport_error, CURLE_ABORTED_BY_CALLBACK);
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST_F(CurlMultiTest, ExecutorRunsEveryKindOfRequest) {
  TestHttpServer server;
  testing::TempDir dir;
  const std::string path = (dir.path() / "console.log").string();
  RequestExecutor executor(io_.get_executor());
  GatewayResponse http;
  GatewayResponse local;
  GatewayResponse smtp;
  spawn([&]() -> asio::awaitable<void> {
    adapters::GatewayRequest first = get(server.url("/"));
    http = co_await executor.execute(std::move(first));
    adapters::GatewayRequest second = adapters::LocalWrite{path, "sms +1819***1234 Grève"};
    local = co_await executor.execute(std::move(second));
    adapters::SmtpEnvelope envelope;
    envelope.url = "smtp://127.0.0.1:" + std::to_string(testing::free_tcp_port());
    envelope.mail_from = "alerte@exemple.qc.ca";
    envelope.rcpt = {"marie@exemple.qc.ca"};
    envelope.message = "Subject: x\r\n\r\nbody\r\n";
    adapters::GatewayRequest third = std::move(envelope);
    smtp = co_await executor.execute(std::move(third));
  });
  run();
  EXPECT_EQ(http.http_status, 200);
  EXPECT_EQ(local.transport_error, 0) << local.transport_message;
  EXPECT_EQ(smtp.transport_error, CURLE_COULDNT_CONNECT);  // the SMTP path, nothing listens
  std::FILE* file = std::fopen(path.c_str(), "r");
  ASSERT_NE(file, nullptr);
  char line[128] = {};
  ASSERT_NE(std::fgets(line, sizeof line, file), nullptr);
  std::fclose(file);
  EXPECT_STREQ(line, "sms +1819***1234 Grève\n");
}

}  // namespace
}  // namespace tocsin::io
