// The tocsin CLI against a real daemon, and tocsind's own command-line modes.

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "tests/support/daemon_process.h"
#include "tests/support/http_client.h"
#include "tests/support/ports.h"
#include "tests/support/redis_server.h"
#include "tests/support/temp_dir.h"

namespace tocsin::testing {
namespace {

using namespace std::chrono_literals;

CommandResult tocsin_cli(const DaemonProcess& daemon, const std::string& token,
                         std::vector<std::string> args) {
  args.insert(args.begin(), TOCSIN_CLI_PATH);
  return run_command(args, {{"TOCSIN_URL", daemon.base_url()}, {"TOCSIN_TOKEN", token}});
}

TEST(Cli, TokenCreatePrintsOnlyTheNewToken) {
  RedisServer redis;
  DaemonProcess daemon({.redis_url = redis.url()});
  const std::string admin = daemon.bootstrap_admin("ops");
  auto created = tocsin_cli(daemon, admin,
                            {"token", "create", "--role", "coordinator", "--region", "estrie",
                             "--region", "monteregie", "--name", "Luc"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  EXPECT_TRUE(std::regex_match(created.out, std::regex("tcs_[A-Za-z0-9_-]{43}\n"))) << created.out;

  const std::string coordinator = created.out.substr(0, created.out.size() - 1);
  auto status = tocsin_cli(daemon, coordinator, {"status"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_NE(status.out.find("coordinator"), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("estrie, monteregie"), std::string::npos) << status.out;

  auto json = tocsin_cli(daemon, coordinator, {"--json", "status"});
  ASSERT_EQ(json.exit_code, 0);
  EXPECT_NE(json.out.find("\"regions\":[\"estrie\",\"monteregie\"]"), std::string::npos)
      << json.out;
}

TEST(Cli, RefusedTokenAndWrongRoleAreClearErrors) {
  RedisServer redis;
  DaemonProcess daemon({.redis_url = redis.url()});
  auto refused = tocsin_cli(daemon, "tcs_not_a_token", {"status"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("refused the token"), std::string::npos) << refused.err;

  const std::string admin = daemon.bootstrap_admin("ops");
  auto executive =
      tocsin_cli(daemon, admin, {"token", "create", "--role", "executive", "--name", "Marie"});
  ASSERT_EQ(executive.exit_code, 0);
  auto forbidden = tocsin_cli(daemon, executive.out.substr(0, executive.out.size() - 1),
                              {"token", "create", "--role", "admin", "--name", "x"});
  EXPECT_EQ(forbidden.exit_code, 1);
  EXPECT_NE(forbidden.err.find("not allowed"), std::string::npos) << forbidden.err;

  auto bad_role = tocsin_cli(daemon, admin, {"token", "create", "--role", "boss", "--name", "x"});
  EXPECT_EQ(bad_role.exit_code, 2);
  auto no_regions =
      tocsin_cli(daemon, admin, {"token", "create", "--role", "coordinator", "--name", "x"});
  EXPECT_EQ(no_regions.exit_code, 2);
  EXPECT_NE(no_regions.err.find("regions"), std::string::npos) << no_regions.err;
}

TEST(Cli, UnreachableDaemonIsAClearError) {
  const uint16_t port = free_tcp_port();  // nothing listens there
  auto result = run_command(
      {TOCSIN_CLI_PATH, "status"},
      {{"TOCSIN_URL", "http://127.0.0.1:" + std::to_string(port)}, {"TOCSIN_TOKEN", "tcs_x"}});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("cannot reach the daemon"), std::string::npos) << result.err;
}

// A file argument is read with a bound and must be a regular file: given /dev/zero, the
// CLI once grew to gigabytes; given a directory it said "kind: is required". Checked
// before the daemon is contacted (none runs here), so the answer is the file's.
TEST(Cli, FilesMustBeRegularAndWithinTheirBound) {
  TempDir dir;
  const std::string fifo = (dir.path() / "roster.fifo").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const std::string big_alert = (dir.path() / "big.textpb").string();
  std::ofstream(big_alert) << "title: \"" << std::string((1 << 20) + 10, 'x') << "\"\n";
  // Sparse: 200 MiB and one byte, on disk almost nothing.
  const std::string big_roster = (dir.path() / "big.csv").string();
  std::ofstream(big_roster).close();
  std::filesystem::resize_file(big_roster, (200ull << 20) + 1);

  struct Case {
    std::vector<std::string> args;
    std::string err;
  };
  const std::string here = dir.path().string();
  for (const auto& c : std::vector<Case>{
           {{"alert", "create", "/dev/zero"}, "tocsin: /dev/zero: not a regular file\n"},
           {{"alert", "create", here}, "tocsin: " + here + ": not a regular file\n"},
           {{"alert", "create", big_alert}, "tocsin: " + big_alert + ": larger than 1 MiB\n"},
           {{"alert", "followup", "aaaaaaaaaaaaaaaa", "/dev/zero"},
            "tocsin: /dev/zero: not a regular file\n"},
           {{"members", "import", "/dev/zero", "--dry-run"},
            "tocsin: /dev/zero: not a regular file\n"},
           {{"members", "import", fifo}, "tocsin: " + fifo + ": not a regular file\n"},
           {{"members", "import", big_roster, "--dry-run"},
            "tocsin: " + big_roster + ": larger than 200 MiB\n"},
       }) {
    std::vector<std::string> argv{TOCSIN_CLI_PATH};
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    const auto started = std::chrono::steady_clock::now();
    auto result = run_command(argv, {{"TOCSIN_URL", "http://127.0.0.1:1"}, {"TOCSIN_TOKEN", "x"}});
    EXPECT_EQ(result.exit_code, 2) << c.args[2];
    EXPECT_EQ(result.err, c.err);
    EXPECT_EQ(result.out, "");
    EXPECT_LT(std::chrono::steady_clock::now() - started, 5s) << "read without a bound?";
  }
}

class TocsindFlags : public ::testing::Test {
 protected:
  std::string write_config(const std::string& text) {
    auto path = dir_.path() / "tocsin.conf";
    std::ofstream(path) << text;
    return path.string();
  }
  CommandResult check(const std::string& path) {
    return run_command({TOCSIN_TOCSIND_PATH, "--config", path, "--check-config"});
  }
  TempDir dir_;
};

TEST_F(TocsindFlags, CheckConfigAcceptsAGoodFile) {
  auto result = check(write_config("redis { url: \"redis://127.0.0.1:6379\" }"));
  EXPECT_EQ(result.exit_code, 0) << result.err;
}

TEST_F(TocsindFlags, CheckConfigNamesTheFieldAndExits2) {
  struct Case {
    std::string config;
    std::string expected;
  };
  for (const auto& c : std::vector<Case>{
           {"redis { url: \"redis://h:1\" }\nhttp { listen: \"127.0.0.1:70000\" }", "http.listen"},
           {"redis { url: \"redis://h:1\" connect_timeout_ms: -5 }", "redis.connect_timeout_ms"},
           {"redis { url: \"redis://h:1\" }\nhttp { listn: \"x\" }", "listn"},
           {"http { listen: \"127.0.0.1:8080\" }", "redis.url"},
       }) {
    auto result = check(write_config(c.config));
    EXPECT_EQ(result.exit_code, 2) << c.config;
    EXPECT_NE(result.err.find(c.expected), std::string::npos) << c.config << " -> " << result.err;
    EXPECT_EQ(result.out, "");
  }
}

TEST_F(TocsindFlags, RunningWithABadConfigAlsoExits2) {
  auto path = write_config("http { listen: \"127.0.0.1:70000\" }");
  auto result = run_command({TOCSIN_TOCSIND_PATH, "--config", path},
                            {{"TOCSIN_REDIS_URL", "redis://127.0.0.1:1"}});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("http.listen"), std::string::npos) << result.err;
}

TEST_F(TocsindFlags, UnreadableConfigExits2) {
  auto result = check((dir_.path() / "missing.conf").string());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("cannot read"), std::string::npos) << result.err;
}

TEST_F(TocsindFlags, BootstrapAdminRefusesANameWithAControlCharacter) {
  auto path = write_config("redis { url: \"redis://127.0.0.1:1\" }");
  auto result =
      run_command({TOCSIN_TOCSIND_PATH, "--config", path, "--bootstrap-admin", "ops\x1b[31m"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.out, "");
  EXPECT_EQ(result.err,
            "tocsind: --bootstrap-admin: the name contains a control character "
            "(U+001B) at position 4\n");
}

TEST_F(TocsindFlags, BootstrapAdminFailsClearlyWithoutRedis) {
  const uint16_t port = free_tcp_port();
  auto path = write_config("redis { url: \"redis://127.0.0.1:" + std::to_string(port) +
                           "\" connect_timeout_ms: 200 }");
  auto result = run_command({TOCSIN_TOCSIND_PATH, "--config", path, "--bootstrap-admin", "x"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.out, "");
  EXPECT_NE(result.err.find("cannot reach Redis"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace tocsin::testing
