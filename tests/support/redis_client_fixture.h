#pragma once
// A gtest fixture for code that talks to Redis through redis::Client: a real
// redis-server, a client to it on an io_context, and run(), which drives a coroutine test
// body on that io_context.

#include <gtest/gtest.h>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "redis/client.h"
#include "tests/support/redis_server.h"

// gtest's ASSERT_* return, which a coroutine cannot: this one co_returns.
#define CO_ASSERT_TRUE(condition)                  \
  if (!(condition)) {                              \
    ADD_FAILURE() << "expected true: " #condition; \
    co_return;                                     \
  }

namespace tocsin::testing {

class RedisClientFixture : public ::testing::Test {
 protected:
  RedisClientFixture();
  // On a server started with `options`; with `one_node_cluster` (and options.cluster), made
  // a one-node cluster (redis_cluster.h) before the client connects.
  RedisClientFixture(RedisServer::Options options, bool one_node_cluster);

  // Runs `body` once the client is connected (within 5 s) and `seed` is written in one
  // pipeline; stops the client after. A failed test when the client does not connect, the
  // seed fails, body throws, or all this is not done within `limit`.
  void run(std::vector<redis::Command> seed, std::function<boost::asio::awaitable<void>()> body,
           std::chrono::seconds limit = std::chrono::seconds(30));

  // The values of the fields named `a` or `b` of each entry of `stream`, oldest first (an
  // audit log's actions, seat news' kinds).
  boost::asio::awaitable<std::vector<std::string>> stream_values(std::string stream, std::string a,
                                                                 std::string b = "");

  // The strings `command` answers (KEYS, SMEMBERS...), sorted; none when it fails.
  boost::asio::awaitable<std::vector<std::string>> sorted_strings(redis::Command command);

  RedisServer server_;
  boost::asio::io_context io_;
  redis::Client client_;
};

}  // namespace tocsin::testing
