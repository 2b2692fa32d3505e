// tocsind against a real redis-server: readiness follows Redis, the daemon survives Redis
// going away and resumes by itself, and SIGTERM ends it cleanly.

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <regex>

#include "tests/support/daemon_process.h"
#include "tests/support/http_client.h"
#include "tests/support/ports.h"
#include "tests/support/redis_server.h"
#include "tests/support/redis_sync.h"
#include "tests/support/temp_dir.h"

namespace tocsin::testing {
namespace {

using namespace std::chrono_literals;

bool ready(const DaemonProcess& daemon) {
  return http_get(daemon.base_url() + "/readyz").status == 200;
}

TEST(DaemonLifecycle, StartsAndBecomesReady) {
  RedisServer redis;
  DaemonProcess daemon({.redis_url = redis.url()});
  EXPECT_EQ(http_get(daemon.base_url() + "/healthz").status, 200);
  EXPECT_TRUE(eventually([&] { return ready(daemon); }, 5s));
}

TEST(DaemonLifecycle, StaysUpWithoutRedisAndRecoversWhenItReturns) {
  RedisServer redis;
  DaemonProcess daemon({.redis_url = redis.url()});
  ASSERT_TRUE(eventually([&] { return ready(daemon); }, 5s));
  const std::string admin = daemon.bootstrap_admin("ops");
  const std::vector<std::string> auth = {"Authorization: Bearer " + admin};

  redis.kill();
  const auto killed_at = std::chrono::steady_clock::now();
  ASSERT_TRUE(eventually([&] { return !ready(daemon); }, 2s))
      << "/readyz still ready 2 s after Redis died";
  RecordProperty("not_ready_after_ms",
                 static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                      std::chrono::steady_clock::now() - killed_at)
                                      .count()));
  EXPECT_TRUE(daemon.process().running());
  EXPECT_EQ(http_get(daemon.base_url() + "/healthz").status, 200);
  auto status = http_get(daemon.base_url() + "/v1/status", auth);
  EXPECT_EQ(status.status, 503) << status.body;
  EXPECT_NE(status.body.find("\"error\""), std::string::npos);

  redis.start();
  EXPECT_TRUE(eventually([&] { return ready(daemon); }, 5s)) << "not ready after Redis returned";
  // The token stored before the outage is still there (AOF) and accepted again.
  EXPECT_EQ(http_get(daemon.base_url() + "/v1/status", auth).status, 200);
  auto metrics = http_get(daemon.base_url() + "/metrics");
  EXPECT_NE(metrics.body.find("tocsin_redis_reconnects_total 1"), std::string::npos)
      << metrics.body;
}

// A restarted Redis accepts connections at once but answers LOADING while it reads its
// data (seconds, for a large roster). The daemon waits for it, saying so once, and loads
// its scripts after: no error line per script, and the scripts work.
TEST(DaemonLifecycle, WaitsForRedisToLoadItsDataBeforeLoadingScripts) {
  // Each key read at start costs 100 µs, and clients are answered (LOADING) meanwhile.
  RedisServer redis(
      {.extra_args = {"--key-load-delay", "100", "--loading-process-events-interval-bytes", "1024"},
       .ready_while_loading = true});
  DaemonProcess daemon({.redis_url = redis.url()});
  ASSERT_TRUE(eventually([&] { return ready(daemon); }, 5s));
  const std::string admin = daemon.bootstrap_admin("ops");
  {
    // 10,000 keys in the AOF's RDB base, which the delay applies to: seconds of loading.
    RedisSync store(redis.port());
    store.command({"EVAL", "for i = 1, 10000 do redis.call('SET', 'filler:' .. i, 'x') end", "0"});
    store.command({"BGREWRITEAOF"});
    ASSERT_TRUE(eventually(
        [&] {
          const std::string info = store.text({"INFO", "persistence"});
          return info.find("aof_rewrite_in_progress:0") != std::string::npos &&
                 info.find("aof_rewrite_scheduled:0") != std::string::npos;
        },
        10s));
  }
  const size_t log_before = daemon.process().stderr_text().size();
  redis.stop();
  redis.start();
  {
    RedisSync store(redis.port());
    ASSERT_NE(store.text({"INFO", "persistence"}).find("loading:1"), std::string::npos)
        << "Redis should still be loading: the test would prove nothing";
  }
  ASSERT_TRUE(eventually([&] { return ready(daemon); }, 60s)) << "not ready after loading";
  {
    RedisSync store(redis.port());
    EXPECT_NE(store.text({"INFO", "persistence"}).find("loading:0"), std::string::npos)
        << "ready before Redis had loaded its data";
  }

  const std::string log = daemon.process().stderr_text().substr(log_before);
  EXPECT_EQ(log.find("redis_script_load_failed"), std::string::npos) << log;
  EXPECT_EQ(log.find("LOADING"), std::string::npos) << log;
  EXPECT_NE(log.find("event=redis_loading "), std::string::npos) << log;
  EXPECT_NE(log.find("event=redis_loaded "), std::string::npos) << log;

  // The scripts are loaded: importing a member, creating and approving an alert run them.
  const std::vector<std::string> auth = {"Authorization: Bearer " + admin};
  auto imported = http_request("POST", daemon.base_url() + "/v1/members:import",
                               "Numéro de membre,Prénom,Nom,Cellulaire,Langue,Région\n"
                               "1,Marie,A,819-555-0101,fr,Estrie\n",
                               {"Authorization: Bearer " + admin, "Content-Type: text/csv"});
  ASSERT_EQ(imported.status, 200) << imported.body;
  const std::string alert =
      R"({"kind":"INFORMATION","title":"Après le redémarrage","audience":"all",)"
      R"("channels":"SMS","messages":{"fr":{"sms":"Info {code}"}},)"
      R"("eventTime":"2094-06-06T07:00:00-04:00","expiresAt":"2094-06-06T06:00:00-04:00"})";
  auto created = http_request("POST", daemon.base_url() + "/v1/alerts", alert, auth);
  ASSERT_EQ(created.status, 201) << created.body;
  std::smatch id;
  ASSERT_TRUE(std::regex_search(created.body, id, std::regex(R"re("id":"([a-z0-9]{16})")re")))
      << created.body;
  auto approved = http_request("POST", daemon.base_url() + "/v1/alerts/" + id[1].str() + ":approve",
                               "{}", auth);
  EXPECT_EQ(approved.status, 200) << approved.body;
  EXPECT_EQ(daemon.process().stderr_text().find("redis_script_load_failed"), std::string::npos);
}

TEST(DaemonLifecycle, SigtermExitsZeroWithinTheGracePeriod) {
  RedisServer redis;
  DaemonProcess daemon(
      {.redis_url = redis.url(), .extra_config = "lifecycle { shutdown_grace_ms: 2000 }"});
  ASSERT_TRUE(eventually([&] { return ready(daemon); }, 5s));
  // An idle keep-alive connection must not hold the shutdown up.
  RawConnection idle(daemon.port());
  ASSERT_TRUE(idle.send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n"));
  bool closed = false;
  idle.read_until_closed(200ms, &closed);
  ASSERT_FALSE(closed);

  const auto start = std::chrono::steady_clock::now();
  daemon.process().send_signal(SIGTERM);
  auto code = daemon.process().wait_for_exit(3s);
  ASSERT_TRUE(code.has_value()) << "still running 3 s after SIGTERM";
  EXPECT_EQ(*code, 0);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  EXPECT_NE(daemon.process().stderr_text().find("event=shutdown_complete"), std::string::npos);
}

TEST(DaemonLifecycle, SigtermWithoutRedisStillExitsZero) {
  RedisServer redis;
  DaemonProcess daemon({.redis_url = redis.url()});
  ASSERT_TRUE(eventually([&] { return ready(daemon); }, 5s));
  redis.kill();
  ASSERT_TRUE(eventually([&] { return !ready(daemon); }, 2s));
  daemon.process().send_signal(SIGINT);
  auto code = daemon.process().wait_for_exit(5s);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 0);
}

TEST(DaemonLifecycle, ListenOverrideFromEnvironment) {
  RedisServer redis;
  const uint16_t port = free_tcp_port();
  DaemonProcess daemon(
      {.redis_url = redis.url(), .env = {{"TOCSIN_LISTEN", "127.0.0.1:" + std::to_string(port)}}});
  EXPECT_EQ(daemon.port(), port);
}

TEST(DaemonLifecycle, RedisUrlOverrideFromEnvironment) {
  RedisServer redis;
  DaemonProcess daemon({.redis_url = "redis://127.0.0.1:1",  // nothing listens there
                        .env = {{"TOCSIN_REDIS_URL", redis.url()}}});
  EXPECT_TRUE(eventually([&] { return ready(daemon); }, 5s));
}

// A port another process holds: one line saying what to do, exit 1, no abort (it used to
// die with "terminate called after throwing" and 134).
TEST(DaemonLifecycle, ABusyPortIsOneLineAndExit1) {
  const int holder = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(holder, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(holder, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(::listen(holder, 1), 0);
  socklen_t length = sizeof address;
  ASSERT_EQ(::getsockname(holder, reinterpret_cast<sockaddr*>(&address), &length), 0);
  const std::string listen = "127.0.0.1:" + std::to_string(ntohs(address.sin_port));

  TempDir dir;
  const auto config = dir.path() / "tocsin.conf";
  // Its own spool: tests run side by side in one working directory.
  std::ofstream(config) << "redis { url: \"redis://127.0.0.1:1\" }\n"
                        << "spool { directory: \"" << (dir.path() / "spool").string() << "\" }\n";
  auto result =
      run_command({TOCSIN_TOCSIND_PATH, "--config", config.string()}, {{"TOCSIN_LISTEN", listen}});
  ::close(holder);
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.err, "tocsind: cannot listen on " + listen +
                            ": address already in use (is another tocsind running? set "
                            "http.listen or TOCSIN_LISTEN)\n");
  EXPECT_EQ(result.out, "");
}

// The spool (spool.directory) is opened before the daemon listens: a directory it cannot
// make, or one another tocsind holds, stops it with one line naming the path and the field.
TEST(DaemonLifecycle, ASpoolDirectoryItCannotMakeIsOneLineAndExit1) {
  TempDir dir;
  std::ofstream(dir.path() / "a-file") << "x";
  const auto config = dir.path() / "tocsin.conf";
  std::ofstream(config) << "redis { url: \"redis://127.0.0.1:1\" }\n"
                        << "http { listen: \"127.0.0.1:0\" }\n"
                        << "spool { directory: \"" << (dir.path() / "a-file" / "spool").string()
                        << "\" }\n";
  auto result = run_command({TOCSIN_TOCSIND_PATH, "--config", config.string()});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.err, "tocsind: cannot create the spool directory " +
                            (dir.path() / "a-file" / "spool").string() +
                            ": Not a directory (see spool.directory)\n");
  EXPECT_EQ(result.out, "");
}

TEST(DaemonLifecycle, ASecondDaemonOnTheSameSpoolDirectoryRefusesToStart) {
  RedisServer redis;
  TempDir dir;
  const std::string spool = "spool { directory: \"" + (dir.path() / "spool").string() + "\" }\n";
  DaemonProcess first({.redis_url = redis.url(), .extra_config = spool});
  const auto config = dir.path() / "second.conf";
  std::ofstream(config) << "redis { url: \"" << redis.url() << "\" }\n"
                        << "http { listen: \"127.0.0.1:0\" }\n"
                        << spool;
  auto result = run_command({TOCSIN_TOCSIND_PATH, "--config", config.string()});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.err, "tocsind: the spool directory " + (dir.path() / "spool").string() +
                            " is in use by another tocsind; each daemon needs its own (see "
                            "spool.directory)\n");
  EXPECT_TRUE(ready(first)) << "the first daemon is not disturbed";
}

}  // namespace
}  // namespace tocsin::testing
