#include "tests/support/redis_client_fixture.h"

#include <algorithm>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <exception>
#include <string>
#include <utility>

#include "redis/decode.h"
#include "tests/support/redis_cluster.h"
#include "tests/support/redis_sync.h"

namespace tocsin::testing {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

redis::Options options_for(const RedisServer& server) {
  std::string error;
  redis::Options options;
  options.endpoint = redis::parse_url(server.url(), &error).value();
  options.reconnect_min_delay = 50ms;
  return options;
}

}  // namespace

RedisClientFixture::RedisClientFixture() : client_(io_.get_executor(), options_for(server_)) {}

RedisClientFixture::RedisClientFixture(RedisServer::Options options, bool one_node_cluster)
    : server_(std::move(options)), client_(io_.get_executor(), options_for(server_)) {
  if (one_node_cluster) {
    RedisSync sync(server_.port());
    make_single_node_cluster(sync);
  }
}

void RedisClientFixture::run(std::vector<redis::Command> seed,
                             std::function<asio::awaitable<void>()> body,
                             std::chrono::seconds limit) {
  bool done = false;
  asio::co_spawn(io_, client_.run(), [](std::exception_ptr) {});
  asio::co_spawn(
      io_,
      [&]() -> asio::awaitable<void> {
        asio::steady_timer timer(io_);
        for (int i = 0; i < 500 && !client_.connected(); ++i) {
          timer.expires_after(10ms);
          co_await timer.async_wait(asio::use_awaitable);
        }
        CO_ASSERT_TRUE(client_.connected());
        if (!seed.empty()) {
          auto filled = co_await client_.exec_pipeline(std::move(seed));
          CO_ASSERT_TRUE(filled);
        }
        co_await body();
      },
      [&](std::exception_ptr error) {
        done = true;
        client_.stop();
        if (error) ADD_FAILURE() << "test body threw";
      });
  io_.run_for(limit);
  EXPECT_TRUE(done) << "test body did not finish";
}

asio::awaitable<std::vector<std::string>> RedisClientFixture::stream_values(std::string stream,
                                                                            std::string a,
                                                                            std::string b) {
  redis::Command read{"XRANGE", std::move(stream), "-", "+"};
  auto entries = redis::decode<std::vector<std::pair<std::string, std::vector<std::string>>>>(
      co_await client_.exec(std::move(read)));
  std::vector<std::string> out;
  if (!entries) co_return out;
  for (const auto& [id, fields] : *entries) {
    for (size_t i = 0; i + 1 < fields.size(); i += 2) {
      if (fields[i] == a || (!b.empty() && fields[i] == b)) out.push_back(fields[i + 1]);
    }
  }
  co_return out;
}

asio::awaitable<std::vector<std::string>> RedisClientFixture::sorted_strings(
    redis::Command command) {
  auto got = redis::decode<std::vector<std::string>>(co_await client_.exec(std::move(command)));
  std::vector<std::string> sorted = got ? std::move(*got) : std::vector<std::string>{};
  std::sort(sorted.begin(), sorted.end());
  co_return sorted;
}

}  // namespace tocsin::testing
