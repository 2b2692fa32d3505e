#include "http/server.h"

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <list>

#include "http/chunked_sink.h"
#include "http/message.h"
#include "http/router.h"
#include "http/stream.h"
#include "log/log.h"

namespace tocsin::http {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using asio::ip::tcp;

namespace {

using BeastRequest = bhttp::request<bhttp::string_body>;
using BeastResponse = bhttp::response<bhttp::string_body>;

// Method, target and headers (names in lower case); no body.
Request to_request_head(const BeastRequest& in) {
  Request out;
  out.method = std::string(in.method_string());
  out.target = std::string(in.target());
  for (const auto& field : in) {
    std::string name(field.name_string());
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    out.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  return out;
}

// The 413's text names the limit that applies, so the sender knows what to change:
// "request body is larger than 209715200 bytes (200 MiB), the limit of POST
// /v1/members:import" or "..., the limit set by http.max_body_bytes".
std::string too_large_text(uint64_t bytes, const std::string& whose) {
  std::string size = std::to_string(bytes) + " bytes";
  if (bytes >= (1u << 20) && bytes % (1u << 20) == 0) {
    size += " (" + std::to_string(bytes >> 20) + " MiB)";
  } else if (bytes >= (1u << 10) && bytes % (1u << 10) == 0) {
    size += " (" + std::to_string(bytes >> 10) + " KiB)";
  }
  return "request body is larger than " + size + ", the limit " + whose;
}

Request to_request(BeastRequest&& in) {
  Request out = to_request_head(in);
  out.body = std::move(in.body());
  return out;
}

template <class Message>
void set_headers(Message& out, Response& in, bool keep_alive) {
  out.set(bhttp::field::server, "tocsind");
  out.set(bhttp::field::content_type, in.content_type);
  out.set(bhttp::field::cache_control, "no-store");
  for (auto& [name, value] : in.headers) out.set(name, value);
  out.keep_alive(keep_alive);
}

BeastResponse to_beast(Response&& in, unsigned version, bool keep_alive, bool head) {
  BeastResponse out{static_cast<bhttp::status>(in.status), version};
  set_headers(out, in, keep_alive);
  out.body() = std::move(in.body);
  out.prepare_payload();
  if (head) out.body().clear();  // keeps the Content-Length of the GET
  return out;
}

}  // namespace

struct Server::Impl : std::enable_shared_from_this<Server::Impl> {
  struct Connection {
    beast::tcp_stream stream;
    bool busy = false;  // a request is being read, handled or answered
    std::shared_ptr<ChunkedSink> sink;  // while answering with a stream body
    explicit Connection(tcp::socket socket) : stream(std::move(socket)) {}
  };

  Impl(asio::any_io_executor executor, Router& router, ServerLimits limits)
      : executor_(executor),
        router_(router),
        limits_(limits),
        acceptor_(executor),
        drained_(executor),
        sweep_timer_(executor) {}

  asio::awaitable<void> accept_loop();
  asio::awaitable<void> sweep_streams();
  asio::awaitable<void> session(std::shared_ptr<Connection> connection);
  asio::awaitable<bool> serve_one(const std::shared_ptr<Connection>& connection,
                                  beast::flat_buffer& buffer);
  asio::awaitable<void> stream_body(const std::shared_ptr<Connection>& connection,
                                    Response response, unsigned version);
  asio::awaitable<void> reject_overloaded(tcp::socket socket);
  void forget(const std::shared_ptr<Connection>& connection);

  asio::any_io_executor executor_;
  Router& router_;
  ServerLimits limits_;
  tcp::acceptor acceptor_;
  std::list<std::shared_ptr<Connection>> connections_;
  bool stopping_ = false;
  asio::steady_timer drained_;  // cancelled when the last connection closes while stopping
  asio::steady_timer sweep_timer_;  // paces sweep_streams(); cancelled by shutdown
};

Server::Server(asio::any_io_executor executor, Router& router, ServerLimits limits)
    : impl_(std::make_shared<Impl>(executor, router, limits)) {}

Server::~Server() = default;

uint16_t Server::listen(const std::string& host, uint16_t port) {
  tcp::endpoint endpoint;
  boost::system::error_code ec;
  auto address = asio::ip::make_address(host, ec);
  if (ec) {
    // A name ("localhost"): resolve it once, at startup.
    tcp::resolver resolver(impl_->executor_);
    auto results = resolver.resolve(host, std::to_string(port));
    endpoint = results.begin()->endpoint();
  } else {
    endpoint = tcp::endpoint(address, port);
  }
  auto& acceptor = impl_->acceptor_;
  acceptor.open(endpoint.protocol());
  acceptor.set_option(asio::socket_base::reuse_address(true));
  acceptor.bind(endpoint);
  acceptor.listen(asio::socket_base::max_listen_connections);
  return acceptor.local_endpoint().port();
}

void Server::start() {
  asio::co_spawn(impl_->executor_, impl_->sweep_streams(), asio::detached);
  asio::co_spawn(impl_->executor_, impl_->accept_loop(), [](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      spdlog::critical("event=http_accept_loop_failed error={}", log::quote(ex.what()));
    }
  });
}

size_t Server::open_connections() const {
  return impl_->connections_.size();
}

size_t Server::open_streams() const {
  return std::count_if(impl_->connections_.begin(), impl_->connections_.end(),
                       [](const auto& connection) { return connection->sink != nullptr; });
}

asio::awaitable<void> Server::shutdown(std::chrono::milliseconds grace) {
  auto impl = impl_;
  impl->stopping_ = true;
  boost::system::error_code ignored;
  impl->acceptor_.close(ignored);
  impl->sweep_timer_.cancel();
  // Idle keep-alive connections have nothing to finish: close them now. Busy ones answer
  // their request with Connection: close and then end by themselves.
  // Streams never finish by themselves: they end now.
  for (auto& connection : impl->connections_) {
    if (connection->sink) {
      connection->sink->stop();
    } else if (!connection->busy) {
      connection->stream.socket().close(ignored);
    }
  }
  if (!impl->connections_.empty()) {
    impl->drained_.expires_after(grace);
    boost::system::error_code ec;
    co_await impl->drained_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  if (!impl->connections_.empty()) {
    spdlog::warn("event=http_shutdown_cut_requests count={}", impl->connections_.size());
    for (auto& connection : impl->connections_) connection->stream.socket().close(ignored);
  }
}

// Ends the streams whose write has been blocked past stream_write_timeout, checking a few
// times per bound (so a stream ends between 1 and 1.25 times the bound).
asio::awaitable<void> Server::Impl::sweep_streams() {
  auto self = shared_from_this();
  auto& timer = sweep_timer_;
  const auto period = std::max<std::chrono::milliseconds>(limits_.stream_write_timeout / 4,
                                                          std::chrono::milliseconds(1));
  while (!stopping_) {
    timer.expires_after(period);
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    const auto now = std::chrono::steady_clock::now();
    for (auto& connection : connections_) {
      if (connection->sink) connection->sink->check_write_deadline(now);
    }
  }
}

asio::awaitable<void> Server::Impl::accept_loop() {
  auto self = shared_from_this();
  for (;;) {
    boost::system::error_code ec;
    tcp::socket socket =
        co_await acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (stopping_ || ec == asio::error::operation_aborted) co_return;
    if (ec) {
      // Out of file descriptors and the like: log, breathe, go on accepting.
      spdlog::error("event=http_accept_failed error={}", log::quote(ec.message()));
      asio::steady_timer pause(executor_, std::chrono::milliseconds(50));
      co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    if (connections_.size() >= limits_.max_connections) {
      asio::co_spawn(executor_, reject_overloaded(std::move(socket)), asio::detached);
      continue;
    }
    auto connection = std::make_shared<Connection>(std::move(socket));
    connections_.push_back(connection);
    asio::co_spawn(executor_, session(connection), [self, connection](std::exception_ptr e) {
      if (e) {
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& ex) {
          spdlog::error("event=http_session_failed error={}", log::quote(ex.what()));
        }
      }
      self->forget(connection);
    });
  }
}

void Server::Impl::forget(const std::shared_ptr<Connection>& connection) {
  connections_.remove(connection);
  if (stopping_ && connections_.empty()) drained_.cancel();
}

asio::awaitable<void> Server::Impl::reject_overloaded(tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  stream.expires_after(std::chrono::seconds(2));
  Response busy = error_response(503, "server busy; try again shortly");
  busy.headers.emplace_back("Retry-After", "1");
  auto response = to_beast(std::move(busy), 11, false, false);
  boost::system::error_code ec;
  co_await bhttp::async_write(stream, response, asio::redirect_error(asio::use_awaitable, ec));
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
}

asio::awaitable<void> Server::Impl::session(std::shared_ptr<Connection> connection) {
  beast::flat_buffer buffer;
  while (!stopping_ && co_await serve_one(connection, buffer)) {
  }
  boost::system::error_code ec;
  connection->stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  connection->stream.close();
}

// Reads one request, answers it, and says whether the connection stays open.
asio::awaitable<bool> Server::Impl::serve_one(const std::shared_ptr<Connection>& connection_ptr,
                                              beast::flat_buffer& buffer) {
  boost::system::error_code ec;
  Connection& connection = *connection_ptr;
  auto& stream = connection.stream;
  if (buffer.size() == 0) {
    // Waiting for the next request on a keep-alive connection: the idle timeout applies.
    stream.expires_after(limits_.idle_timeout);
    const size_t n = co_await stream.async_read_some(buffer.prepare(4096),
                                                     asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return false;
    buffer.commit(n);
  }
  // From its first byte, the whole request must arrive within request_timeout: a client
  // trickling bytes (slowloris) is disconnected then (tcp_stream closes the socket on
  // expiry, so there is no 408 to send).
  connection.busy = true;
  stream.expires_after(limits_.request_timeout);
  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(limits_.max_header_bytes);
  // Beast checks a Content-Length against the limit while parsing the header, before we
  // know the route: start from the largest limit any route has, then apply the route's.
  parser.body_limit(std::max<uint64_t>(limits_.max_body_bytes, router_.largest_body_limit()));
  co_await bhttp::async_read_header(stream, buffer, parser,
                                    asio::redirect_error(asio::use_awaitable, ec));
  uint64_t body_limit = limits_.max_body_bytes;
  std::string limit_owner = "set by http.max_body_bytes";
  std::optional<Response> refused;
  // Some routes take more (a roster import) or less (a webhook) than the default: find the
  // route's limit, also when Beast has already refused a Content-Length above every limit
  // (the request line and headers are parsed by then), so the 413 names the right one.
  Request headers_only;
  std::optional<Router::BodyLimit> route_limit;
  if (!ec || ec == bhttp::error::body_limit) {
    headers_only = to_request_head(parser.get());
    if (parse_target(headers_only.target, &headers_only.path, &headers_only.query)) {
      route_limit = router_.body_limit(headers_only.method, headers_only.path);
    }
    if (route_limit) {
      body_limit = route_limit->bytes;
      limit_owner = "of " + route_limit->route;
    }
  }
  if (!ec) {
    // A route with its own limit: check the caller may use it before reading a large body.
    if (route_limit) refused = co_await router_.admit_large_body(headers_only);
    parser.body_limit(body_limit);  // enforced as a chunked body arrives
    if (refused) {
      // Answered without reading the body; the connection closes after the answer.
    } else if (parser.content_length().value_or(0) > body_limit) {
      ec = bhttp::error::body_limit;
    } else if (!parser.is_done()) {
      // curl and others ask before sending a large body, and wait a second when nobody
      // answers: say "go on" now.
      if (beast::iequals(parser.get()[bhttp::field::expect], "100-continue")) {
        bhttp::response<bhttp::empty_body> go_on{bhttp::status::continue_,
                                                 parser.get().version()};
        co_await bhttp::async_write(stream, go_on, asio::redirect_error(asio::use_awaitable, ec));
      }
      if (!ec) {
        co_await bhttp::async_read(stream, buffer, parser,
                                   asio::redirect_error(asio::use_awaitable, ec));
      }
    }
  }

  Response response;
  bool keep_alive = false;
  unsigned version = 11;
  bool head = false;
  if (refused) {
    response = std::move(*refused);
  } else if (ec == bhttp::error::body_limit) {
    response = error_response(413, too_large_text(body_limit, limit_owner));
  } else if (ec == bhttp::error::header_limit) {
    response = error_response(431, "request headers are too large");
  } else if (ec == beast::error::timeout || ec == bhttp::error::end_of_stream ||
             ec == asio::error::eof || ec == asio::error::operation_aborted ||
             ec == asio::error::connection_reset) {
    co_return false;
  } else if (ec) {
    response = error_response(400, "malformed HTTP request: " + ec.message());
  } else {
    BeastRequest beast_request = parser.release();
    version = beast_request.version();
    keep_alive = beast_request.keep_alive();
    head = beast_request.method() == bhttp::verb::head;
    Request request = to_request(std::move(beast_request));
    if (!parse_target(request.target, &request.path, &request.query)) {
      response = error_response(400, "malformed request target");
    } else {
      response = co_await router_.dispatch(request);
    }
  }
  if (stopping_) keep_alive = false;

  if (response.stream && !head) {
    co_await stream_body(connection_ptr, std::move(response), version);
    co_return false;
  }
  response.stream.reset();  // HEAD: the headers alone
  auto out = to_beast(std::move(response), version, keep_alive, head);
  stream.expires_after(limits_.request_timeout);
  if (head) {
    bhttp::response_serializer<bhttp::string_body> serializer(out);
    co_await bhttp::async_write_header(stream, serializer,
                                       asio::redirect_error(asio::use_awaitable, ec));
  } else {
    co_await bhttp::async_write(stream, out, asio::redirect_error(asio::use_awaitable, ec));
  }
  connection.busy = false;
  co_return !ec && keep_alive;
}

// Headers with Transfer-Encoding: chunked, then the body's writes as chunks until it
// returns or the stream ends, then the last chunk; the connection closes afterwards.
asio::awaitable<void> Server::Impl::stream_body(const std::shared_ptr<Connection>& connection,
                                                Response response, unsigned version) {
  auto body = std::move(response.stream);
  bhttp::response<bhttp::empty_body> head{static_cast<bhttp::status>(response.status), version};
  set_headers(head, response, /*keep_alive=*/false);
  head.chunked(true);
  bhttp::response_serializer<bhttp::empty_body> serializer(head);
  auto& stream = connection->stream;
  stream.expires_after(limits_.request_timeout);
  boost::system::error_code ec;
  co_await bhttp::async_write_header(stream, serializer,
                                     asio::redirect_error(asio::use_awaitable, ec));
  if (ec || stopping_) co_return;
  // From here the sink bounds each write; nothing else limits how long a stream lasts.
  stream.expires_never();
  // Each event is one small write that should leave at once, not wait for the client's
  // delayed ACK of the previous one (Nagle).
  stream.socket().set_option(tcp::no_delay(true), ec);
  auto sink = std::make_shared<ChunkedSink>(connection, stream.socket(),
                                            limits_.stream_write_timeout);
  connection->sink = sink;
  sink->watch_peer();
  try {
    co_await body->run(*sink);
  } catch (const std::exception& e) {
    spdlog::error("event=http_stream_failed error={}", log::quote(e.what()));
  }
  sink->end();
  co_await sink->finish(std::min(limits_.stream_write_timeout, std::chrono::milliseconds(1000)));
  spdlog::debug("event=http_stream_ended reason={}", sink->end_reason());
  connection->sink.reset();
}

}  // namespace tocsin::http
