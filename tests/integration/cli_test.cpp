// The tocsin CLI against a real daemon, and tocsind's own command-line modes.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

#include "tests/support/daemon_process.h"
#include "tests/support/http_client.h"
#include "tests/support/ports.h"
#include "tests/support/redis_server.h"
#include "tests/support/subprocess.h"
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

// As a person sees it (stdout and stderr on one terminal): what was created, the warning,
// and the token last, on its own line. stdout alone stays the token, for T=$(...).
TEST(Cli, TokenCreateSaysWhatWasCreatedThenPrintsTheTokenLast) {
  RedisServer redis;
  DaemonProcess daemon({.redis_url = redis.url()});
  const std::string admin = daemon.bootstrap_admin("ops");
  auto terminal = [&](const std::string& arguments) {
    return run_command(
        {"/bin/sh", "-c", "\"$0\" token create " + arguments + " 2>&1", TOCSIN_CLI_PATH},
        {{"TOCSIN_URL", daemon.base_url()}, {"TOCSIN_TOKEN", admin}});
  };
  const std::string warning =
      "the token is shown once, below: store it now (the daemon keeps only a hash of it)\n";
  auto luc = terminal("--role coordinator --region estrie --region monteregie --name Luc");
  ASSERT_EQ(luc.exit_code, 0) << luc.out;
  std::smatch match;
  ASSERT_TRUE(std::regex_match(
      luc.out, match,
      std::regex("created a coordinator token named \"Luc\" \\(regions estrie, monteregie; it "
                 "does not expire\\)\n" +
                 std::regex_replace(warning, std::regex("[()]"), "\\$&") +
                 "(tcs_[A-Za-z0-9_-]{43})\n")))
      << luc.out;
  auto status = tocsin_cli(daemon, match[1], {"status"});
  EXPECT_EQ(status.exit_code, 0) << status.err;

  auto marie = terminal("--role executive --name 'Marie (exécutif)'");
  ASSERT_EQ(marie.exit_code, 0) << marie.out;
  EXPECT_TRUE(std::regex_match(
      marie.out,
      std::regex("created an executive token named \"Marie \\(exécutif\\)\" "
                 "\\(every region; it does not expire\\)\n[^\n]+\ntcs_[A-Za-z0-9_-]{43}\n")))
      << marie.out;
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

TEST(Cli, AccountCreateListAndDisable) {
  RedisServer redis;
  DaemonProcess daemon({.redis_url = redis.url()});
  const std::string admin = daemon.bootstrap_admin("ops");
  auto created = tocsin_cli(daemon, admin,
                            {"account", "create", "--name", "Luc Gagnon", "--role", "coordinator",
                             "--region", "estrie", "--mobile", "514-555-0101", "--email",
                             "luc@example.org"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  std::smatch match;
  ASSERT_TRUE(std::regex_match(
      created.out, match,
      std::regex("created account ([0-9a-f]{16}) for Luc Gagnon \\(coordinator\\)\n")))
      << created.out;
  const std::string id = match[1];

  auto list = tocsin_cli(daemon, admin, {"account", "list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find("ID"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find(id), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("+15145550101"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("active"), std::string::npos) << list.out;

  auto taken = tocsin_cli(daemon, admin,
                          {"account", "create", "--name", "Autre", "--role", "executive",
                           "--mobile", "+1 514 555 0101"});
  EXPECT_EQ(taken.exit_code, 2);
  EXPECT_NE(taken.err.find("another account already has this mobile"), std::string::npos)
      << taken.err;
  auto no_address =
      tocsin_cli(daemon, admin, {"account", "create", "--name", "X", "--role", "executive"});
  EXPECT_EQ(no_address.exit_code, 2);
  EXPECT_NE(no_address.err.find("needs a mobile or an email"), std::string::npos)
      << no_address.err;

  auto disabled = tocsin_cli(daemon, admin, {"account", "disable", id});
  ASSERT_EQ(disabled.exit_code, 0) << disabled.err;
  EXPECT_EQ(disabled.out, "disabled account " + id + " (Luc Gagnon): its sessions have ended\n");
  EXPECT_NE(tocsin_cli(daemon, admin, {"account", "list"}).out.find("disabled"),
            std::string::npos);
  auto unknown = tocsin_cli(daemon, admin, {"account", "disable", "0000000000000000"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("no account has the id"), std::string::npos) << unknown.err;

  const std::string executive = daemon.create_token(admin, R"({"name":"Marie","role":"executive"})");
  auto refused = tocsin_cli(daemon, executive, {"account", "list"});
  EXPECT_EQ(refused.exit_code, 1);
}

TEST(Cli, TokenListAndRevoke) {
  RedisServer redis;
  DaemonProcess daemon({.redis_url = redis.url()});
  const std::string admin = daemon.bootstrap_admin("ops");
  const std::string script = daemon.create_token(admin, R"({"name":"nightly","role":"executive"})");
  auto list = tocsin_cli(daemon, admin, {"token", "list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_EQ(list.out.find(script), std::string::npos) << "a listing never shows a token";
  std::smatch match;
  ASSERT_TRUE(std::regex_search(list.out, match, std::regex("([0-9a-f]{16})  nightly ")))
      << list.out;
  const std::string id = match[1];
  ASSERT_EQ(tocsin_cli(daemon, script, {"status"}).exit_code, 0);

  auto revoked = tocsin_cli(daemon, admin, {"token", "revoke", id});
  ASSERT_EQ(revoked.exit_code, 0) << revoked.err;
  EXPECT_EQ(revoked.out, "revoked token " + id + "\n");
  auto refused = tocsin_cli(daemon, script, {"status"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("refused the token"), std::string::npos) << refused.err;
  auto again = tocsin_cli(daemon, admin, {"token", "revoke", id});
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("no token has the id"), std::string::npos) << again.err;
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

// The check reads the file only; run without Redis's address, it still fails, naming it.
TEST_F(TocsindFlags, StartingWithoutARedisUrlExits2) {
  auto path = write_config("http { listen: \"127.0.0.1:0\" }");
  auto result = run_command({TOCSIN_TOCSIND_PATH, "--config", path});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err, "tocsind: redis.url: required (or set TOCSIN_REDIS_URL)\n");
}

// As the README and each file's header say: from the repository root, with nothing of the
// machine's (no TOCSIN_REDIS_URL, no credentials), every shipped config passes.
TEST_F(TocsindFlags, EveryShippedConfigPassesItsDocumentedCheck) {
  for (const std::string file : {"config/tocsin.example.conf", "config/tocsin.production.conf"}) {
    Subprocess check({.argv = {TOCSIN_TOCSIND_PATH, "--config", file, "--check-config"},
                      .env_unset = {"TOCSIN_REDIS_URL", "TOCSIN_LISTEN", "CREDENTIALS_DIRECTORY"},
                      .cwd = TOCSIN_SOURCE_DIR});
    ASSERT_EQ(check.wait_for_exit(30s), 0) << file << ": " << check.stderr_text();
    EXPECT_EQ(check.stderr_text(), "");
    EXPECT_THAT(check.stdout_text(), ::testing::StartsWith("tocsind: " + file + " is valid\n"));
  }
}

TEST_F(TocsindFlags, CheckConfigListsWhatTheMachineMustSupply) {
  Subprocess example(
      {.argv = {TOCSIN_TOCSIND_PATH, "--config", "config/tocsin.example.conf", "--check-config"},
       .env_unset = {"TOCSIN_REDIS_URL"},
       .cwd = TOCSIN_SOURCE_DIR});
  ASSERT_EQ(example.wait_for_exit(30s), 0) << example.stderr_text();
  EXPECT_EQ(example.stdout_text(),
            "tocsind: config/tocsin.example.conf is valid\n"
            "tocsind: needs redis.url from environment variable TOCSIN_REDIS_URL (the file names "
            "no Redis): not set here\n");

  Subprocess production(
      {.argv = {TOCSIN_TOCSIND_PATH, "--config", "config/tocsin.production.conf", "--check-config"},
       .env_unset = {"CREDENTIALS_DIRECTORY"},
       .cwd = TOCSIN_SOURCE_DIR});
  ASSERT_EQ(production.wait_for_exit(30s), 0) << production.stderr_text();
  std::string expected = "tocsind: config/tocsin.production.conf is valid\n";
  for (const auto& [field, name] : std::vector<std::pair<std::string, std::string>>{
           {"redis.password", "redis-password"},
           {"gateways[0].twilio.auth_token", "twilio-auth-token"},
           {"gateways[1].kannel.password", "kannel-password"},
           {"gateways[1].kannel.webhook_secret", "kannel-webhook-secret"},
           {"gateways[2].smtp.password", "smtp-password"}}) {
    expected += "tocsind: needs " + field + " from systemd credential \"" + name +
                "\": given by systemd at start (LoadCredentialEncrypted=" + name +
                "), not checked here\n";
  }
  EXPECT_EQ(production.stdout_text(), expected);

  // Secrets from the environment and files are looked for, and their absence said.
  auto path = write_config(
      "redis { url: \"redis://127.0.0.1:1\" password { env: \"TOCSIN_TEST_PW\" } }\n"
      "gateways { name: \"sms\" kannel { sendsms_url: \"http://127.0.0.1:1/\" username: \"u\"\n"
      "  password { file: \"" +
      (dir_.path() / "absent").string() +
      "\" }\n"
      "  webhook_secret { env: \"TOCSIN_TEST_HOOK\" } } }\n");
  auto listed = run_command({TOCSIN_TOCSIND_PATH, "--config", path, "--check-config"},
                            {{"TOCSIN_TEST_HOOK", "a-webhook-secret-of-32-characters"}});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_EQ(
      listed.out,
      "tocsind: " + path +
          " is valid\n"
          "tocsind: needs redis.password from environment variable TOCSIN_TEST_PW: environment "
          "variable TOCSIN_TEST_PW is not set\n"
          "tocsind: needs gateways[0].kannel.password from file " +
          (dir_.path() / "absent").string() + ": cannot read secret file " +
          (dir_.path() / "absent").string() +
          ": No such file or directory\n"
          "tocsind: needs gateways[0].kannel.webhook_secret from environment variable "
          "TOCSIN_TEST_HOOK: readable here\n");
}

// Protobuf's messages become a sysadmin's: the block, the field, what was found, a guess.
TEST_F(TocsindFlags, ConfigSyntaxErrorsAreOneLineInPlainWords) {
  struct Case {
    std::string config;
    std::string line;  // after "tocsind: <path>:"
  };
  for (const auto& c : std::vector<Case>{
           {"http {\n  listen: \"127.0.0.1:8080\"\n\nredis {\n  url: \"redis://h:1\"\n}\n",
            "4:1: \"redis\" is not a field of http { … } — is a closing } missing before it?"},
           {"http {\n  max_connections: 10.0.0.1\n}\n",
            "2:20: expected a whole number for http.max_connections, found \"10.0.0.1\""},
           {"http { listen: 127.0.0.1:8080 }\n",
            "1:16: expected text in quotes for http.listen, found 127.0.0.1:8080 (put text in "
            "quotes)"},
           {"alerts { quiet_hours { kinds: INFORMATON channels: SMS } }\n",
            "1:31: unknown alerts.quiet_hours.kinds \"INFORMATON\": did you mean \"INFORMATION\"?"},
       }) {
    const std::string path = write_config(c.config);
    for (bool check_only : {true, false}) {
      std::vector<std::string> argv = {TOCSIN_TOCSIND_PATH, "--config", path};
      if (check_only) argv.push_back("--check-config");
      auto result = run_command(argv, {{"TOCSIN_REDIS_URL", "redis://127.0.0.1:1"}});
      EXPECT_EQ(result.exit_code, 2) << c.config;
      EXPECT_EQ(result.err, "tocsind: " + path + ":" + c.line + "\n");
      EXPECT_EQ(result.out, "");
    }
  }
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
