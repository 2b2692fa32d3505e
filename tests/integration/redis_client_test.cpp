// The Redis client against a real redis-server: replies, pipelines, concurrency, scripts,
// AUTH/SELECT, and the connection's life (kill and restart, a silent server, stop()).

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <functional>
#include <optional>

#include "redis/client.h"
#include "tests/support/redis_server.h"

namespace tocsin::redis {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using testing::RedisServer;

// gtest's ASSERT_* return, which a coroutine cannot: this one co_returns.
#define CO_ASSERT_TRUE(condition)                  \
  if (!(condition)) {                              \
    ADD_FAILURE() << "expected true: " #condition; \
    co_return;                                     \
  }

Endpoint endpoint_of(const std::string& url) {
  std::string error;
  auto endpoint = parse_url(url, &error);
  EXPECT_TRUE(endpoint.has_value()) << error;
  return endpoint.value_or(Endpoint{});
}

// Short delays so the tests run quickly; the defaults are for production.
Options fast_options(Endpoint endpoint) {
  Options options;
  options.endpoint = std::move(endpoint);
  options.connect_timeout = 1000ms;
  options.health_check_interval = 200ms;
  options.command_timeout = 1000ms;
  options.reconnect_min_delay = 50ms;
  options.reconnect_max_delay = 200ms;
  return options;
}

// Lets one coroutine wait for a condition that callbacks change: they call notify(), the
// waiter re-checks. One waiter at a time.
class Condition {
 public:
  explicit Condition(asio::any_io_executor executor) : timer_(std::move(executor)) {}
  void notify() { timer_.cancel(); }
  asio::awaitable<bool> wait(std::function<bool()> predicate, std::chrono::milliseconds timeout) {
    auto deadline = Clock::now() + timeout;
    while (!predicate()) {
      if (Clock::now() >= deadline) co_return false;
      timer_.expires_at(deadline);
      boost::system::error_code ignored;
      co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    }
    co_return true;
  }

 private:
  asio::steady_timer timer_;
};

class RedisClientTest : public ::testing::Test {
 protected:
  // Runs client.run() beside `body` on io_, records connection changes, and stops the
  // client when body ends. Everything must be finished within `limit`, so a bug shows as
  // a failure, not a hung test.
  void run_with(Client& client, std::function<asio::awaitable<void>()> body,
                std::chrono::seconds limit = 30s) {
    client.on_connection_change([this](bool up) {
      changes_.push_back(up);
      condition_.notify();
    });
    bool run_done = false;
    bool body_done = false;
    asio::co_spawn(io_, client.run(), [&](std::exception_ptr error) {
      run_done = true;
      if (error) ADD_FAILURE() << "run() threw";
    });
    asio::co_spawn(io_, body(), [&](std::exception_ptr error) {
      body_done = true;
      client.stop();
      if (error) {
        try {
          std::rethrow_exception(error);
        } catch (const std::exception& e) {
          ADD_FAILURE() << "test body threw: " << e.what();
        }
      }
    });
    io_.run_for(limit);
    EXPECT_TRUE(body_done) << "test body did not finish within the limit";
    EXPECT_TRUE(run_done) << "run() did not return after stop()";
    if (!run_done || !body_done) {
      client.stop();
      io_.restart();
      io_.run_for(2s);
    }
  }

  asio::awaitable<bool> wait_connected(Client& client, bool up,
                                       std::chrono::milliseconds timeout = 5s) {
    co_return co_await condition_.wait([&] { return client.connected() == up; }, timeout);
  }

  asio::io_context io_;
  Condition condition_{io_.get_executor()};
  std::vector<bool> changes_;
};

TEST_F(RedisClientTest, BinarySafeSetGet) {
  RedisServer server;
  Client client(io_.get_executor(), fast_options(endpoint_of(server.url())));
  run_with(client, [&]() -> asio::awaitable<void> {
    CO_ASSERT_TRUE(co_await wait_connected(client, true));
    std::string value("a\0b\r\n\xff", 6);
    Command set{"SET", std::string("k\0ey", 4), value};
    auto ok = co_await client.exec(set);
    CO_ASSERT_TRUE(ok);
    EXPECT_TRUE(ok->is_ok());
    Command get{"GET", std::string("k\0ey", 4)};
    auto got = co_await client.exec(get);
    CO_ASSERT_TRUE(got);
    EXPECT_EQ(got->type, Reply::Type::string);
    EXPECT_EQ(got->str, value);
  });
}

TEST_F(RedisClientTest, ReplyTypes) {
  RedisServer server;
  Client client(io_.get_executor(), fast_options(endpoint_of(server.url())));
  run_with(client, [&]() -> asio::awaitable<void> {
    CO_ASSERT_TRUE(co_await wait_connected(client, true));
    Command incr{"INCRBY", "counter", "-5"};
    auto number = co_await client.exec(incr);
    CO_ASSERT_TRUE(number);
    EXPECT_EQ(number->type, Reply::Type::integer);
    EXPECT_EQ(number->integer, -5);

    Command get_missing{"GET", "missing"};
    auto nil = co_await client.exec(get_missing);
    CO_ASSERT_TRUE(nil);
    EXPECT_TRUE(nil->is_nil());

    Command push{"RPUSH", "list", "x", "y"};
    co_await client.exec(push);
    Command range{"LRANGE", "list", "0", "-1"};
    auto array = co_await client.exec(range);
    CO_ASSERT_TRUE(array);
    EXPECT_EQ(array->type, Reply::Type::array);
    CO_ASSERT_TRUE(array->elements.size() == 2);
    EXPECT_EQ(array->elements[0].str, "x");
    EXPECT_EQ(array->elements[1].str, "y");

    // A server error is a reply, not a failed Result.
    Command bogus{"NOSUCHCOMMAND", "x"};
    auto error = co_await client.exec(bogus);
    CO_ASSERT_TRUE(error);
    EXPECT_TRUE(error->is_error());
    EXPECT_EQ(error->str.rfind("ERR", 0), 0u) << error->str;

    Command wrong_type{"INCR", "list"};
    auto wrongtype = co_await client.exec(wrong_type);
    CO_ASSERT_TRUE(wrongtype);
    EXPECT_TRUE(wrongtype->is_error());
    EXPECT_TRUE(client.connected());  // errors do not hurt the connection
  });
}

TEST_F(RedisClientTest, PipelineKeepsOrder) {
  RedisServer server;
  Client client(io_.get_executor(), fast_options(endpoint_of(server.url())));
  run_with(client, [&]() -> asio::awaitable<void> {
    CO_ASSERT_TRUE(co_await wait_connected(client, true));
    std::vector<Command> commands(1000, Command{"INCR", "n"});
    auto replies = co_await client.exec_pipeline(commands);
    CO_ASSERT_TRUE(replies);
    CO_ASSERT_TRUE(replies->size() == 1000);
    for (int i = 0; i < 1000; ++i) {
      EXPECT_EQ((*replies)[i].integer, i + 1) << "at " << i;
    }
    std::vector<Command> none;
    auto empty = co_await client.exec_pipeline(none);
    CO_ASSERT_TRUE(empty);
    EXPECT_TRUE(empty->empty());
  });
}

TEST_F(RedisClientTest, ConcurrentCallersGetTheirOwnReplies) {
  RedisServer server;
  Client client(io_.get_executor(), fast_options(endpoint_of(server.url())));
  run_with(client, [&]() -> asio::awaitable<void> {
    CO_ASSERT_TRUE(co_await wait_connected(client, true));
    constexpr int kCallers = 200;
    int done = 0;
    int wrong = 0;
    for (int i = 0; i < kCallers; ++i) {
      asio::co_spawn(
          io_,
          [&, i]() -> asio::awaitable<void> {
            std::string mine = "caller-" + std::to_string(i);
            Command set{"SET", mine, mine};
            co_await client.exec(set);
            Command echo{"ECHO", mine};
            auto reply = co_await client.exec(echo);
            Command get{"GET", mine};
            auto stored = co_await client.exec(get);
            if (!reply || reply->str != mine || !stored || stored->str != mine) ++wrong;
            ++done;
            condition_.notify();
          },
          asio::detached);
    }
    CO_ASSERT_TRUE(co_await condition_.wait([&] { return done == kCallers; }, 10s));
    EXPECT_EQ(wrong, 0);
  });
}

TEST_F(RedisClientTest, EvalReloadsAfterScriptFlush) {
  RedisServer server;
  Client client(io_.get_executor(), fast_options(endpoint_of(server.url())));
  Script incr("return redis.call('INCRBY', KEYS[1], ARGV[1])");
  Script eager("return 'eager'");
  client.load_on_connect(eager);
  run_with(client, [&]() -> asio::awaitable<void> {
    CO_ASSERT_TRUE(co_await wait_connected(client, true));
    // load_on_connect: Redis knows the script before anyone called it.
    Command exists{"SCRIPT", "EXISTS", eager.sha1()};
    auto known = co_await client.exec(exists);
    CO_ASSERT_TRUE(known && known->elements.size() == 1);
    EXPECT_EQ(known->elements[0].integer, 1);

    // (Arguments are built outside co_await: g++ 12 rejects braced lists inside one.)
    std::vector<std::string> keys{"counter"};
    std::vector<std::string> five{"5"};
    auto first = co_await client.eval(incr, keys, five);
    CO_ASSERT_TRUE(first);
    EXPECT_EQ(first->integer, 5) << first->str;

    Command flush{"SCRIPT", "FLUSH"};
    co_await client.exec(flush);
    std::vector<std::string> two{"2"};
    auto second = co_await client.eval(incr, keys, two);
    CO_ASSERT_TRUE(second);
    EXPECT_EQ(second->integer, 7) << second->str;

    // Our SHA1 is the one Redis computes.
    Command load{"SCRIPT", "LOAD", incr.source()};
    auto sha = co_await client.exec(load);
    CO_ASSERT_TRUE(sha);
    EXPECT_EQ(sha->str, incr.sha1());

    // A script that does not compile comes back as an error reply.
    Script syntax_error("return +");
    auto broken = co_await client.eval(syntax_error, {}, {});
    CO_ASSERT_TRUE(broken);
    EXPECT_TRUE(broken->is_error());
  });
}

TEST_F(RedisClientTest, ExecBeforeConnectFailsAtOnce) {
  RedisServer server;
  Client client(io_.get_executor(), fast_options(endpoint_of(server.url())));
  std::optional<Result<Reply>> result;
  asio::co_spawn(
      io_,
      [&]() -> asio::awaitable<void> {
        Command ping{"PING"};
        result = co_await client.exec(ping);
      },
      asio::detached);
  io_.run_for(5s);
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->error(), Errc::not_connected);
  EXPECT_FALSE(client.connected());
}

TEST_F(RedisClientTest, UnixSocket) {
  RedisServer server;
  Endpoint endpoint;
  endpoint.unix_path = server.unix_socket_path().string();
  Client client(io_.get_executor(), fast_options(endpoint));
  run_with(client, [&]() -> asio::awaitable<void> {
    CO_ASSERT_TRUE(co_await wait_connected(client, true));
    Command ping{"PING"};
    auto pong = co_await client.exec(ping);
    CO_ASSERT_TRUE(pong);
    EXPECT_EQ(pong->str, "PONG");
  });
}

TEST_F(RedisClientTest, AuthAndSelect) {
  RedisServer server(RedisServer::Options{.password = "s3cret pass"});
  Endpoint endpoint = endpoint_of(server.url());
  endpoint.db = 3;
  Options options = fast_options(endpoint);
  options.password = "s3cret pass";
  Client client(io_.get_executor(), options);
  Options db0 = fast_options(endpoint_of(server.url()));
  db0.password = "s3cret pass";
  Client other(io_.get_executor(), db0);
  asio::co_spawn(io_, other.run(), asio::detached);
  run_with(client, [&]() -> asio::awaitable<void> {
    CO_ASSERT_TRUE(co_await wait_connected(client, true));
    CO_ASSERT_TRUE(co_await condition_.wait([&] { return other.connected(); }, 5s));
    Command set{"SET", "where", "db3"};
    auto ok = co_await client.exec(set);
    CO_ASSERT_TRUE(ok);
    EXPECT_TRUE(ok->is_ok()) << ok->str;
    Command get{"GET", "where"};
    auto in_db0 = co_await other.exec(get);
    CO_ASSERT_TRUE(in_db0);
    EXPECT_TRUE(in_db0->is_nil());
    Command count{"DBSIZE"};
    auto size = co_await client.exec(count);
    CO_ASSERT_TRUE(size);
    EXPECT_EQ(size->integer, 1);
    other.stop();
  });
}

TEST_F(RedisClientTest, WrongPasswordNeverConnects) {
  RedisServer server(RedisServer::Options{.password = "right"});
  Options options = fast_options(endpoint_of(server.url()));
  options.password = "wrong";
  Client client(io_.get_executor(), options);
  run_with(client, [&]() -> asio::awaitable<void> {
    EXPECT_FALSE(co_await wait_connected(client, true, 800ms));
    Command ping{"PING"};
    auto result = co_await client.exec(ping);
    EXPECT_EQ(result.error(), Errc::not_connected);
  });
  EXPECT_TRUE(changes_.empty());
}

TEST_F(RedisClientTest, SurvivesRedisRestart) {
  RedisServer server;
  Client client(io_.get_executor(), fast_options(endpoint_of(server.url())));
  run_with(client, [&]() -> asio::awaitable<void> {
    CO_ASSERT_TRUE(co_await wait_connected(client, true));
    Command set{"SET", "kept", "yes"};
    auto ok = co_await client.exec(set);
    CO_ASSERT_TRUE(ok && ok->is_ok());

    server.kill();
    EXPECT_TRUE(co_await wait_connected(client, false, 2s));
    Command get{"GET", "kept"};
    auto while_down = co_await client.exec(get);
    EXPECT_EQ(while_down.error(), Errc::not_connected);

    server.start();
    CO_ASSERT_TRUE(co_await wait_connected(client, true, 10s));
    EXPECT_EQ(client.reconnects(), 1u);
    auto kept = co_await client.exec(get);
    CO_ASSERT_TRUE(kept);
    EXPECT_EQ(kept->str, "yes");
  });
  EXPECT_EQ(changes_, (std::vector<bool>{true, false, true, false}));
}

TEST_F(RedisClientTest, HealthCheckDropsSilentServer) {
  // Accepts TCP (the kernel completes the handshake) but never answers.
  asio::ip::tcp::acceptor silent(io_, {asio::ip::make_address("127.0.0.1"), 0});
  Endpoint endpoint;
  endpoint.host = "127.0.0.1";
  endpoint.port = silent.local_endpoint().port();
  Options options = fast_options(endpoint);
  options.health_check_interval = 100ms;
  options.command_timeout = 300ms;
  Client client(io_.get_executor(), options);
  run_with(client, [&]() -> asio::awaitable<void> {
    CO_ASSERT_TRUE(co_await wait_connected(client, true));
    auto started = Clock::now();
    // A command sent into the silence fails when the health check gives up.
    Command get{"GET", "x"};
    auto lost = co_await client.exec(get);
    EXPECT_EQ(lost.error(), Errc::connection_lost);
    EXPECT_LT(Clock::now() - started, 2s);
    CO_ASSERT_TRUE(co_await wait_connected(client, false, 2s));
  });
  ASSERT_GE(changes_.size(), 2u);
  EXPECT_TRUE(changes_[0]);
  EXPECT_FALSE(changes_[1]);
}

TEST_F(RedisClientTest, StopEndsRunAndFailsPendingCommands) {
  asio::ip::tcp::acceptor silent(io_, {asio::ip::make_address("127.0.0.1"), 0});
  Endpoint endpoint;
  endpoint.host = "127.0.0.1";
  endpoint.port = silent.local_endpoint().port();
  Options options = fast_options(endpoint);
  options.health_check_interval = 60s;  // keep the health check out of this test
  Client client(io_.get_executor(), options);
  std::optional<Result<Reply>> pending;
  run_with(client, [&]() -> asio::awaitable<void> {
    CO_ASSERT_TRUE(co_await wait_connected(client, true));
    asio::co_spawn(
        io_,
        [&]() -> asio::awaitable<void> {
          Command get{"GET", "x"};
          pending = co_await client.exec(get);
          condition_.notify();
        },
        asio::detached);
    // One turn of the loop: the spawned coroutine runs first and its command is pending.
    co_await asio::post(io_, asio::use_awaitable);
    EXPECT_FALSE(pending.has_value());
    client.stop();
    EXPECT_FALSE(client.connected());
    CO_ASSERT_TRUE(co_await condition_.wait([&] { return pending.has_value(); }, 2s));
    EXPECT_EQ(pending->error(), Errc::stopped);
    Command ping{"PING"};
    auto after = co_await client.exec(ping);
    EXPECT_EQ(after.error(), Errc::stopped);
  });
}

TEST_F(RedisClientTest, DestroyingTheClientFailsPendingCommands) {
  asio::ip::tcp::acceptor silent(io_, {asio::ip::make_address("127.0.0.1"), 0});
  Endpoint endpoint;
  endpoint.host = "127.0.0.1";
  endpoint.port = silent.local_endpoint().port();
  Options options = fast_options(endpoint);
  options.health_check_interval = 60s;
  auto client = std::make_unique<Client>(io_.get_executor(), options);
  bool run_done = false;
  std::optional<Result<Reply>> pending;
  int callbacks_after_destruction = 0;
  bool destroyed = false;
  client->on_connection_change([&](bool) {
    if (destroyed) ++callbacks_after_destruction;
    condition_.notify();
  });
  asio::co_spawn(io_, client->run(), [&](std::exception_ptr) { run_done = true; });
  asio::co_spawn(
      io_,
      [&]() -> asio::awaitable<void> {
        // Connected, with a command stuck in the silence, then the owner goes away.
        CO_ASSERT_TRUE(co_await condition_.wait([&] { return client->connected(); }, 5s));
        asio::co_spawn(
            io_,
            [&, c = client.get()]() -> asio::awaitable<void> {
              Command get{"GET", "x"};
              pending = co_await c->exec(get);
            },
            asio::detached);
        co_await asio::post(io_, asio::use_awaitable);  // let it start
        EXPECT_FALSE(pending.has_value());
        client.reset();
        destroyed = true;
      },
      asio::detached);
  io_.run_for(10s);
  EXPECT_TRUE(run_done);
  ASSERT_TRUE(pending.has_value());
  EXPECT_EQ(pending->error(), Errc::stopped);
  EXPECT_EQ(callbacks_after_destruction, 0);
}

TEST_F(RedisClientTest, ReconnectsAfterServerAppearsLate) {
  // Nothing listens yet: the client keeps trying with backoff until Redis comes up.
  RedisServer server;
  uint16_t port = server.port();
  server.kill();
  Endpoint endpoint;
  endpoint.host = "127.0.0.1";
  endpoint.port = port;
  Client client(io_.get_executor(), fast_options(endpoint));
  run_with(client, [&]() -> asio::awaitable<void> {
    EXPECT_FALSE(co_await wait_connected(client, true, 300ms));
    server.start();
    CO_ASSERT_TRUE(co_await wait_connected(client, true, 10s));
    EXPECT_EQ(client.reconnects(), 0u);  // the first success is a connection, not a re-
  });
}

}  // namespace
}  // namespace tocsin::redis
