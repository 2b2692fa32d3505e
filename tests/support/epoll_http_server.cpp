#include "tests/support/epoll_http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <deque>
#include <stdexcept>

namespace tocsin::testing {
namespace {

// Past these a request is refused with 413 and the connection closed: a test server
// should not grow without bound when a client misbehaves.
constexpr size_t kMaxHead = 64 * 1024;
constexpr size_t kMaxBody = 1024 * 1024;

bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 204:
      return "No Content";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 411:
      return "Length Required";
    case 413:
      return "Payload Too Large";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    default:
      return "Status";
  }
}

void append_reply(std::string* out, const HttpReply& reply, bool close) {
  out->append("HTTP/1.1 ");
  out->append(std::to_string(reply.status));
  out->push_back(' ');
  out->append(reason_phrase(reply.status));
  out->append("\r\nContent-Type: ");
  out->append(reply.content_type);
  out->append("\r\nContent-Length: ");
  out->append(std::to_string(reply.body.size()));
  out->append("\r\n");
  for (const auto& [name, value] : reply.headers) {
    out->append(name);
    out->append(": ");
    out->append(value);
    out->append("\r\n");
  }
  if (close) out->append("Connection: close\r\n");
  out->append("\r\n");
  out->append(reply.body);
}

}  // namespace

std::string_view HttpExchange::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (same_name(key, name)) return value;
  }
  return {};
}

struct EpollHttpServer::Connection {
  int fd = -1;
  std::string in;
  std::string out;
  bool hung = false;
  bool close_after_flush = false;
  bool want_write = false;
  // Replies held back by HttpReply::delay, in request order: a reply goes out only when it
  // and every reply before it are due.
  struct Delayed {
    std::chrono::steady_clock::time_point due;
    std::string bytes;
    bool close;
  };
  std::deque<Delayed> delayed;
};

EpollHttpServer::EpollHttpServer(Handler handler) : handler_(std::move(handler)) {
  listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
      ::listen(listener_, 1024) != 0 ||
      ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    if (listener_ >= 0) ::close(listener_);
    throw std::runtime_error("epoll http server: cannot listen on 127.0.0.1");
  }
  port_ = ntohs(address.sin_port);
  epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
  wakeup_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.fd = listener_;
  ::epoll_ctl(epoll_, EPOLL_CTL_ADD, listener_, &event);
  event.data.fd = wakeup_;
  ::epoll_ctl(epoll_, EPOLL_CTL_ADD, wakeup_, &event);
  loop_ = std::thread([this] { run(); });
}

EpollHttpServer::~EpollHttpServer() {
  const uint64_t one = 1;
  [[maybe_unused]] const ssize_t n = ::write(wakeup_, &one, sizeof one);
  loop_.join();
  for (const auto& [fd, connection] : connections_) ::close(fd);
  ::close(listener_);
  ::close(wakeup_);
  ::close(epoll_);
}

void EpollHttpServer::run() {
  epoll_event events[256];
  for (;;) {
    const int count = ::epoll_wait(epoll_, events, 256, release_due_replies());
    if (count < 0) {
      if (errno == EINTR) continue;
      return;
    }
    for (int i = 0; i < count; ++i) {
      const int fd = events[i].data.fd;
      if (fd == wakeup_) return;
      if (fd == listener_) {
        for (;;) {
          const int client = ::accept4(listener_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
          if (client < 0) break;
          // Small answers go out at once instead of waiting for Nagle's timer.
          const int on = 1;
          ::setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
          auto connection = std::make_unique<Connection>();
          connection->fd = client;
          epoll_event event{};
          event.events = EPOLLIN | EPOLLRDHUP;
          event.data.fd = client;
          ::epoll_ctl(epoll_, EPOLL_CTL_ADD, client, &event);
          connections_.emplace(client, std::move(connection));
          connections_accepted_.fetch_add(1, std::memory_order_relaxed);
        }
        continue;
      }
      auto it = connections_.find(fd);
      if (it == connections_.end()) continue;
      Connection& connection = *it->second;
      if (events[i].events & EPOLLOUT) {
        if (!flush(connection)) {
          close_connection(fd);
          continue;
        }
      }
      if (events[i].events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
        on_readable(connection);
      }
    }
  }
}

void EpollHttpServer::on_readable(Connection& connection) {
  const int fd = connection.fd;
  char chunk[65536];
  for (;;) {
    const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n > 0) {
      // A hung connection never answers; what follows on it is read and dropped.
      if (!connection.hung) connection.in.append(chunk, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    if (n < 0 && errno == EINTR) continue;
    // Closed by the client (answer what it sent before, as far as the socket allows) or
    // reset.
    if (n == 0 && serve_buffered(connection)) flush(connection);
    close_connection(fd);
    return;
  }
  if (!serve_buffered(connection) || !flush(connection)) close_connection(fd);
}

bool EpollHttpServer::serve_buffered(Connection& connection) {
  size_t start = 0;
  while (!connection.hung && !connection.close_after_flush) {
    const std::string_view buffer = std::string_view(connection.in).substr(start);
    const size_t head_end = buffer.find("\r\n\r\n");
    if (head_end == std::string_view::npos) {
      if (buffer.size() > kMaxHead) {
        append_reply(&connection.out, HttpReply{413, "text/plain", {}, "head too large"}, true);
        connection.close_after_flush = true;
      }
      break;
    }
    HttpExchange exchange;
    const std::string_view head = buffer.substr(0, head_end);
    size_t line_end = head.find("\r\n");
    const std::string_view request_line = head.substr(0, line_end);
    const size_t first_space = request_line.find(' ');
    const size_t last_space = request_line.rfind(' ');
    if (first_space == std::string_view::npos || last_space <= first_space) return false;
    exchange.method = request_line.substr(0, first_space);
    exchange.target = request_line.substr(first_space + 1, last_space - first_space - 1);
    const bool http10 = request_line.substr(last_space + 1) == "HTTP/1.0";
    while (line_end != std::string_view::npos) {
      const size_t line_start = line_end + 2;
      line_end = head.find("\r\n", line_start);
      const std::string_view line = head.substr(line_start, line_end - line_start);
      const size_t colon = line.find(':');
      if (colon == std::string_view::npos) continue;
      std::string_view value = line.substr(colon + 1);
      while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
        value.remove_prefix(1);
      }
      while (!value.empty() && (value.back() == ' ' || value.back() == '\t'))
        value.remove_suffix(1);
      exchange.headers.emplace_back(line.substr(0, colon), value);
    }
    if (!exchange.header("Transfer-Encoding").empty()) {
      append_reply(&connection.out, HttpReply{411, "text/plain", {}, "Content-Length only"}, true);
      connection.close_after_flush = true;
      break;
    }
    size_t body_size = 0;
    const std::string_view length = exchange.header("Content-Length");
    if (!length.empty()) {
      const auto [stop, error] =
          std::from_chars(length.data(), length.data() + length.size(), body_size);
      if (error != std::errc{} || stop != length.data() + length.size()) return false;
    }
    if (body_size > kMaxBody) {
      append_reply(&connection.out, HttpReply{413, "text/plain", {}, "body too large"}, true);
      connection.close_after_flush = true;
      break;
    }
    if (buffer.size() < head_end + 4 + body_size) break;  // the rest of the body is coming
    exchange.body = buffer.substr(head_end + 4, body_size);
    start += head_end + 4 + body_size;

    requests_.fetch_add(1, std::memory_order_relaxed);
    const HttpReply reply = handler_(exchange);
    if (reply.hang) {
      connection.hung = true;
      break;
    }
    const bool close = http10 || same_name(exchange.header("Connection"), "close");
    if (reply.delay.count() > 0 || !connection.delayed.empty()) {
      // Held: later requests on this connection wait behind it, as HTTP/1.1 requires.
      Connection::Delayed delayed{std::chrono::steady_clock::now() + reply.delay, {}, close};
      if (!connection.delayed.empty()) {
        delayed.due = std::max(delayed.due, connection.delayed.back().due);
      } else {
        due_.emplace(delayed.due, connection.fd);
      }
      append_reply(&delayed.bytes, reply, close);
      connection.delayed.push_back(std::move(delayed));
      const size_t waiting = replies_waiting_.fetch_add(1) + 1;
      if (waiting > max_replies_waiting_.load()) max_replies_waiting_.store(waiting);
      if (close) break;  // nothing after a closing reply is answered
      continue;
    }
    append_reply(&connection.out, reply, close);
    if (close) connection.close_after_flush = true;
  }
  if (connection.hung) {
    connection.in.clear();
  } else {
    connection.in.erase(0, start);
  }
  return true;
}

bool EpollHttpServer::flush(Connection& connection) {
  size_t sent = 0;
  while (sent < connection.out.size()) {
    const ssize_t n = ::send(connection.fd, connection.out.data() + sent,
                             connection.out.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    return false;
  }
  connection.out.erase(0, sent);
  const bool want_write = !connection.out.empty();
  if (want_write != connection.want_write) {
    // Ask for EPOLLOUT only while something is waiting to go, or the loop would spin.
    epoll_event event{};
    event.events = EPOLLIN | EPOLLRDHUP | (want_write ? EPOLLOUT : 0u);
    event.data.fd = connection.fd;
    ::epoll_ctl(epoll_, EPOLL_CTL_MOD, connection.fd, &event);
    connection.want_write = want_write;
  }
  return want_write || !connection.close_after_flush;
}

int EpollHttpServer::release_due_replies() {
  using std::chrono::steady_clock;
  while (!due_.empty()) {
    const auto now = steady_clock::now();
    const auto first = due_.begin();
    if (first->first > now) {
      // Rounded up, so the loop never wakes just before the reply is due and spins.
      const auto wait = std::chrono::ceil<std::chrono::milliseconds>(first->first - now);
      return static_cast<int>(std::max<int64_t>(wait.count(), 1));
    }
    const int fd = first->second;
    due_.erase(first);
    const auto found = connections_.find(fd);
    if (found == connections_.end()) continue;  // closed meanwhile
    Connection& connection = *found->second;
    while (!connection.delayed.empty() && connection.delayed.front().due <= now) {
      connection.out += connection.delayed.front().bytes;
      if (connection.delayed.front().close) connection.close_after_flush = true;
      connection.delayed.pop_front();
      replies_waiting_.fetch_sub(1);
    }
    if (!connection.delayed.empty()) due_.emplace(connection.delayed.front().due, fd);
    // Requests read while the replies waited were kept in the buffer: serve them now.
    if (!flush(connection) || !serve_buffered(connection) || !flush(connection)) {
      close_connection(fd);
    }
  }
  return -1;
}

void EpollHttpServer::close_connection(int fd) {
  if (auto found = connections_.find(fd); found != connections_.end()) {
    replies_waiting_.fetch_sub(found->second->delayed.size());
  }
  ::epoll_ctl(epoll_, EPOLL_CTL_DEL, fd, nullptr);
  ::close(fd);
  connections_.erase(fd);
}

}  // namespace tocsin::testing
