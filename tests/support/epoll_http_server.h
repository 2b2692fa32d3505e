#pragma once
// A small, fast HTTP/1.1 server for tests and benchmarks: one thread, one epoll loop,
// non-blocking sockets, keep-alive and pipelining, bodies framed by Content-Length. It
// serves tens of thousands of requests a second on loopback, so a benchmark measures the
// client, not this server, and it never logs per request. What to answer is the handler's
// business (called on the loop thread; keep it quick).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

namespace tocsin::testing {

// One request, valid for the duration of the handler call.
struct HttpExchange {
  std::string_view method;
  std::string_view target;
  std::vector<std::pair<std::string_view, std::string_view>> headers;
  std::string_view body;

  // The first header of that name (case-insensitive), or "".
  std::string_view header(std::string_view name) const;
};

struct HttpReply {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // Never answer: the connection stays open and silent (later requests on it are read
  // and dropped) until the client closes it or the server is destroyed.
  bool hang = false;
  // Answer only after this long, as a provider across the internet would (the request
  // was received, and counted by the handler, at once). Replies on one connection still
  // go out in the order of their requests.
  std::chrono::microseconds delay{0};
};

class EpollHttpServer {
 public:
  using Handler = std::function<HttpReply(const HttpExchange&)>;

  // Listens on 127.0.0.1, a port the kernel picks, and starts the loop thread. Throws
  // std::runtime_error when it cannot.
  explicit EpollHttpServer(Handler handler);
  // Stops the loop and closes every connection.
  ~EpollHttpServer();
  EpollHttpServer(const EpollHttpServer&) = delete;
  EpollHttpServer& operator=(const EpollHttpServer&) = delete;

  uint16_t port() const { return port_; }
  uint64_t connections_accepted() const { return connections_accepted_.load(); }
  uint64_t requests() const { return requests_.load(); }
  // Replies held back by their delay right now, and the most at any time: the requests a
  // client had in flight on this server.
  size_t replies_waiting() const { return replies_waiting_.load(); }
  size_t max_replies_waiting() const { return max_replies_waiting_.load(); }

 private:
  struct Connection;
  void run();
  void on_readable(Connection& connection);
  // Parses and answers every complete request in the buffer; false to close.
  bool serve_buffered(Connection& connection);
  bool flush(Connection& connection);
  void close_connection(int fd);
  // Moves the delayed replies now due into their connections' output and sends them;
  // returns the epoll_wait timeout until the next one is due (-1: none waiting).
  int release_due_replies();

  Handler handler_;
  int listener_ = -1;
  int epoll_ = -1;
  int wakeup_ = -1;  // eventfd: tells the loop to stop
  uint16_t port_ = 0;
  std::unordered_map<int, std::unique_ptr<Connection>> connections_;  // loop thread only
  // Connections with a delayed reply, by the time their first one is due (loop thread).
  std::multimap<std::chrono::steady_clock::time_point, int> due_;
  std::atomic<uint64_t> connections_accepted_{0};
  std::atomic<uint64_t> requests_{0};
  std::atomic<size_t> replies_waiting_{0};
  std::atomic<size_t> max_replies_waiting_{0};
  std::thread loop_;
};

}  // namespace tocsin::testing
