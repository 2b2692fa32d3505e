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
#include <map>

#include "http/chunked_sink.h"
#include "http/client_key.h"
#include "http/connection_table.h"
#include "http/message.h"
#include "http/router.h"
#include "http/stream.h"
#include "log/log.h"

namespace tocsin::http {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

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
    ConnectionTable::Id id;
    std::string client;  // client_key() of its address
    Clock::time_point accepted;
    bool busy = false;  // a request is being read, handled or answered
    std::shared_ptr<ChunkedSink> sink;  // while answering with a stream body
    Connection(tcp::socket socket, ConnectionTable::Id id, std::string client,
               Clock::time_point accepted)
        : stream(std::move(socket)), id(id), client(std::move(client)), accepted(accepted) {}
  };

  Impl(asio::any_io_executor executor, Router& router, ServerLimits limits)
      : executor_(executor),
        router_(router),
        limits_(limits),
        acceptor_(executor),
        table_(limits.max_connections, limits.max_connections_per_client),
        shed_(limits.shed_log_period, Clock::now()),
        drained_(executor),
        sweep_timer_(executor) {}

  asio::awaitable<void> accept_loop();
  void admit(tcp::socket socket);
  asio::awaitable<void> sweep();
  asio::awaitable<void> session(std::shared_ptr<Connection> connection);
  asio::awaitable<bool> serve_one(const std::shared_ptr<Connection>& connection,
                                  beast::flat_buffer& buffer, bool first);
  asio::awaitable<void> stream_body(const std::shared_ptr<Connection>& connection,
                                    Response response, unsigned version);
  asio::awaitable<void> refuse(tcp::socket socket, std::string reason);
  void evict(ConnectionTable::Id id);
  void forget(const std::shared_ptr<Connection>& connection);

  asio::any_io_executor executor_;
  Router& router_;
  ServerLimits limits_;
  tcp::acceptor acceptor_;
  ConnectionTable table_;  // who may connect, and who gives way
  ShedReport shed_;
  std::map<ConnectionTable::Id, std::shared_ptr<Connection>> connections_;
  bool stopping_ = false;
  asio::steady_timer drained_;  // cancelled when the last connection closes while stopping
  asio::steady_timer sweep_timer_;  // paces sweep(); cancelled by shutdown
};

Server::Server(asio::any_io_executor executor, Router& router, ServerLimits limits)
    : impl_(std::make_shared<Impl>(executor, router, limits)) {}

Server::~Server() = default;

namespace {

// errno values keep std's system category, so that callers compare them with std::errc.
std::error_code to_std(const boost::system::error_code& ec) {
  if (ec.category() == boost::system::system_category()) {
    return {ec.value(), std::system_category()};
  }
  if (ec.category() == boost::system::generic_category()) {
    return {ec.value(), std::generic_category()};
  }
  return ec;
}

}  // namespace

Result<uint16_t> Server::listen(const std::string& host, uint16_t port) {
  tcp::endpoint endpoint;
  boost::system::error_code ec;
  auto address = asio::ip::make_address(host, ec);
  if (ec) {
    // A name ("localhost"): resolve it once, at startup.
    tcp::resolver resolver(impl_->executor_);
    auto results = resolver.resolve(host, std::to_string(port), ec);
    if (ec) return to_std(ec);
    if (results.empty()) return std::make_error_code(std::errc::address_not_available);
    endpoint = results.begin()->endpoint();
  } else {
    endpoint = tcp::endpoint(address, port);
  }
  auto& acceptor = impl_->acceptor_;
  // Error codes, not exceptions: a busy port is an operator's everyday mistake, and Boost
  // 1.74's exception is not a std::system_error.
  if (acceptor.open(endpoint.protocol(), ec); ec) return to_std(ec);
  if (acceptor.set_option(asio::socket_base::reuse_address(true), ec); ec) {
    return to_std(ec);
  }
  if (acceptor.bind(endpoint, ec); ec) return to_std(ec);
  if (acceptor.listen(asio::socket_base::max_listen_connections, ec); ec) {
    return to_std(ec);
  }
  const auto bound = acceptor.local_endpoint(ec);
  if (ec) return to_std(ec);
  return bound.port();
}

void Server::start() {
  asio::co_spawn(impl_->executor_, impl_->sweep(), asio::detached);
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
                       [](const auto& entry) { return entry.second->sink != nullptr; });
}

ShedTotals Server::shed() const {
  return impl_->shed_.totals();
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
  for (auto& [id, connection] : impl->connections_) {
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
    for (auto& [id, connection] : impl->connections_) connection->stream.socket().close(ignored);
  }
}

// Ends the streams whose write has been blocked past stream_write_timeout, checking a few
// times per bound (so a stream ends between 1 and 1.25 times the bound), and logs what was
// shed when a period of the shed report is over.
asio::awaitable<void> Server::Impl::sweep() {
  auto self = shared_from_this();
  auto& timer = sweep_timer_;
  const auto period = std::max<std::chrono::milliseconds>(limits_.stream_write_timeout / 4,
                                                          std::chrono::milliseconds(1));
  while (!stopping_) {
    timer.expires_after(period);
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    const auto now = std::chrono::steady_clock::now();
    for (auto& [id, connection] : connections_) {
      if (connection->sink) connection->sink->check_write_deadline(now);
    }
    if (auto line = shed_.due(now)) spdlog::warn("{}", *line);
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
    admit(std::move(socket));
  }
}

// Serves the new connection, in place of the longest idle one when the server is full, or
// refuses it (http/connection_table.h).
void Server::Impl::admit(tcp::socket socket) {
  boost::system::error_code ec;
  const tcp::endpoint peer = socket.remote_endpoint(ec);
  if (ec) return;  // gone already (reset while queued); `socket` closes here
  std::string client = client_key(peer.address());
  const auto now = Clock::now();
  const auto admission = table_.admit(client, now);
  if (admission.outcome != ConnectionTable::Outcome::admitted) {
    const bool client_full = admission.outcome == ConnectionTable::Outcome::client_full;
    shed_.count(client_full ? Shed::refused_client : Shed::refused_full, client);
    spdlog::debug("event=http_connection_refused client={} reason={}", client,
                  client_full ? "client_full" : "server_full");
    asio::co_spawn(executor_,
                   refuse(std::move(socket), client_full
                                                 ? "too many connections from your address"
                                                 : "server busy"),
                   asio::detached);
    return;
  }
  if (admission.evicted) evict(*admission.evicted);
  auto connection =
      std::make_shared<Connection>(std::move(socket), admission.id, std::move(client), now);
  connections_.emplace(connection->id, connection);
  asio::co_spawn(executor_, session(connection),
                 [self = shared_from_this(), connection](std::exception_ptr e) {
                   if (e) {
                     try {
                       std::rethrow_exception(e);
                     } catch (const std::exception& ex) {
                       spdlog::error("event=http_session_failed error={}",
                                     log::quote(ex.what()));
                     }
                   }
                   self->forget(connection);
                 });
}

// Closes an idle connection the table gave up for a new one: its pending read ends with
// operation_aborted and its session with it.
void Server::Impl::evict(ConnectionTable::Id id) {
  auto it = connections_.find(id);
  if (it == connections_.end()) return;
  shed_.count(Shed::evicted, it->second->client);
  spdlog::debug("event=http_connection_evicted client={}", it->second->client);
  boost::system::error_code ignored;
  it->second->stream.socket().close(ignored);
}

void Server::Impl::forget(const std::shared_ptr<Connection>& connection) {
  table_.remove(connection->id);
  connections_.erase(connection->id);
  if (stopping_ && connections_.empty()) drained_.cancel();
}

// 503 with Connection: close, without reading the request (a flood's connection may send
// none): the client tries again later.
asio::awaitable<void> Server::Impl::refuse(tcp::socket socket, std::string reason) {
  beast::tcp_stream stream(std::move(socket));
  stream.expires_after(std::chrono::seconds(2));
  Response busy = error_response(503, reason + "; try again shortly");
  busy.headers.emplace_back("Retry-After", "1");
  auto response = to_beast(std::move(busy), 11, false, false);
  boost::system::error_code ec;
  co_await bhttp::async_write(stream, response, asio::redirect_error(asio::use_awaitable, ec));
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
}

asio::awaitable<void> Server::Impl::session(std::shared_ptr<Connection> connection) {
  beast::flat_buffer buffer;
  bool first = true;
  while (!stopping_ && co_await serve_one(connection, buffer, first)) first = false;
  boost::system::error_code ec;
  connection->stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  connection->stream.close();
}

// Reads one request, answers it, and says whether the connection stays open.
asio::awaitable<bool> Server::Impl::serve_one(const std::shared_ptr<Connection>& connection_ptr,
                                              beast::flat_buffer& buffer, bool first) {
  boost::system::error_code ec;
  Connection& connection = *connection_ptr;
  auto& stream = connection.stream;
  // Until its head is complete the connection is idle: the first to go when the server is
  // full. A new connection's head is due header_timeout after the accept.
  const auto waiting_since = first ? connection.accepted : Clock::now();
  table_.idle(connection.id, waiting_since);
  auto head_deadline = connection.accepted + limits_.header_timeout;
  if (buffer.size() == 0) {
    // A kept-alive connection may wait idle_timeout for the next request to begin.
    if (first) {
      stream.expires_at(head_deadline);
    } else {
      stream.expires_after(limits_.idle_timeout);
    }
    const size_t n = co_await stream.async_read_some(buffer.prepare(4096),
                                                     asio::redirect_error(asio::use_awaitable, ec));
    if (first && ec == beast::error::timeout) shed_.count(Shed::header_timeout, connection.client);
    if (ec) co_return false;
    buffer.commit(n);
  }
  // From its first byte, the head must arrive within header_timeout (from the accept for
  // the first request) and the whole request within request_timeout: a client trickling
  // bytes (slowloris) is disconnected then (tcp_stream closes the socket on expiry, so
  // there is no 408 to send). The config keeps header_timeout <= request_timeout.
  const auto began = Clock::now();
  if (!first) head_deadline = began + limits_.header_timeout;
  const auto request_deadline = began + limits_.request_timeout;
  connection.busy = true;
  stream.expires_at(std::min(head_deadline, request_deadline));
  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(limits_.max_header_bytes);
  // Beast checks a Content-Length against the limit while parsing the header, before we
  // know the route: start from the largest limit any route has, then apply the route's.
  parser.body_limit(std::max<uint64_t>(limits_.max_body_bytes, router_.largest_body_limit()));
  co_await bhttp::async_read_header(stream, buffer, parser,
                                    asio::redirect_error(asio::use_awaitable, ec));
  if (ec == beast::error::timeout) {
    shed_.count(Shed::header_timeout, connection.client);
    co_return false;
  }
  // Evicted while its head was arriving: the socket is closed, nobody would get the answer.
  if (!stream.socket().is_open()) co_return false;
  table_.working(connection.id);
  stream.expires_at(request_deadline);
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
    request.client = connection.client;
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
