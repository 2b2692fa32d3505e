// The shipped unit (systemd/tocsind.service), started for real by the machine's systemd
// with systemd-run: its [Service] settings as the transient unit's properties, a config
// whose only gateway is Twilio, and only that gateway's credential installed (encrypted
// with systemd-creds). The other credentials the unit names are absent, and must not stop
// it. Needs systemd as PID 1 and root; skipped otherwise, saying which is missing.
// (`systemd-analyze verify` of the unit is the SystemdUnit.Verifies ctest.)

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/support/daemon_process.h"
#include "tests/support/http_client.h"
#include "tests/support/ports.h"
#include "tests/support/redis_server.h"

namespace tocsin::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::string first_line_of(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

// "Key=Value" lines of the unit's [Service] section, ExecStart left out (systemd-run takes
// the command), the credential named `credential` read from `path` instead of the store.
std::vector<std::string> service_properties(const std::string& credential,
                                            const std::string& path) {
  std::ifstream unit(std::string(TOCSIN_SOURCE_DIR) + "/systemd/tocsind.service");
  std::vector<std::string> properties;
  bool in_service = false;
  for (std::string line; std::getline(unit, line);) {
    if (line.empty() || line[0] == '#') continue;
    if (line[0] == '[') {
      in_service = line == "[Service]";
      continue;
    }
    if (!in_service || line.rfind("ExecStart=", 0) == 0) continue;
    if (line == "LoadCredentialEncrypted=" + credential) line += ":" + path;
    properties.push_back(line);
  }
  return properties;
}

TEST(SystemdUnit, StartsWithOnlyTheCredentialsItsConfigNames) {
  if (first_line_of("/proc/1/comm") != "systemd") {
    GTEST_SKIP() << "PID 1 is " << first_line_of("/proc/1/comm")
                 << ", not systemd: no service manager to start the unit";
  }
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to start a system service";

  RedisServer redis;
  const uint16_t port = free_tcp_port();
  // Under /run, not /tmp: the unit has PrivateTmp= and its dynamic user must read the config.
  const fs::path dir = "/run/tocsind-test-" + std::to_string(::getpid());
  fs::create_directories(dir);
  ::chmod(dir.c_str(), 0755);
  const std::string unit = "tocsind-test-" + std::to_string(::getpid());
  {
    std::ofstream config(dir / "tocsind.conf");
    config << "http { listen: \"127.0.0.1:" << port << "\" }\n"
           << "redis { url: \"" << redis.url() << "\" }\n"
           << "gateways { name: \"twilio\" twilio { account_sid: "
              "\"AC0123456789abcdef0123456789abcdef\"\n"
           << "  auth_token { credential: \"twilio-auth-token\" }\n"
           << "  messaging_service_sid: \"MG0123456789abcdef0123456789abcdef\" } }\n";
  }
  ::chmod((dir / "tocsind.conf").c_str(), 0644);
  auto encrypted =
      run_command({"sh", "-c",
                   "printf s3cret | systemd-creds encrypt --name=twilio-auth-token - '" +
                       (dir / "twilio-auth-token").string() + "'"});
  ASSERT_EQ(encrypted.exit_code, 0) << encrypted.err;

  std::vector<std::string> argv = {"systemd-run", "--unit=" + unit, "--quiet"};
  for (const std::string& property :
       service_properties("twilio-auth-token", (dir / "twilio-auth-token").string())) {
    argv.push_back("--property=" + property);
  }
  argv.insert(argv.end(), {TOCSIN_TOCSIND_PATH, "--config", (dir / "tocsind.conf").string()});
  // Type=notify: systemd-run returns once the daemon said READY, or with its failure.
  auto started = run_command(argv);
  auto journal = run_command({"journalctl", "--unit=" + unit, "--output=json", "--no-pager"});
  const bool healthy =
      http_get("http://127.0.0.1:" + std::to_string(port) + "/healthz").status == 200;
  run_command({"systemctl", "stop", unit});
  run_command({"systemctl", "reset-failed", unit});
  fs::remove_all(dir);

  ASSERT_EQ(started.exit_code, 0) << started.err << journal.out;
  EXPECT_TRUE(healthy);
  // Its log lines reached the journal with their priority (info: 6).
  bool listening_at_info = false;
  std::istringstream lines(journal.out);
  for (std::string line; std::getline(lines, line);) {
    if (line.find("event=http_listening") != std::string::npos &&
        line.find("\"PRIORITY\":\"6\"") != std::string::npos) {
      listening_at_info = true;
    }
  }
  EXPECT_TRUE(listening_at_info) << journal.out;
}

}  // namespace
}  // namespace tocsin::testing
