// tocsind under systemd logs through the journal's native protocol, each line with its
// level as PRIORITY. The journal here is a stand-in: a datagram socket this test binds and
// mounts over /run/systemd in a private mount namespace (unshare -m), where sd_journal_send
// writes; stderr is made the "journal stream" the way systemd marks it (JOURNAL_STREAM).

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>

#include "tests/support/daemon_process.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"

namespace tocsin::testing {
namespace {

using namespace std::chrono_literals;

// The fields of one native-protocol datagram ("KEY=value\n" each; no value here holds a
// newline, which the protocol would send in its binary form).
std::map<std::string, std::string> fields_of(const std::string& datagram) {
  std::map<std::string, std::string> fields;
  size_t at = 0;
  while (at < datagram.size()) {
    size_t end = datagram.find('\n', at);
    if (end == std::string::npos) end = datagram.size();
    const std::string line = datagram.substr(at, end - at);
    if (const size_t equals = line.find('='); equals != std::string::npos) {
      fields[line.substr(0, equals)] = line.substr(equals + 1);
    }
    at = end + 1;
  }
  return fields;
}

TEST(LogJournal, UnderSystemdEachLineGoesToTheJournalWithItsPriority) {
  if (::geteuid() != 0) {
    GTEST_SKIP() << "needs root: the stand-in journal is mounted in a private mount namespace";
  }
  if (run_command({"unshare", "-m", "true"}).exit_code != 0) {
    GTEST_SKIP() << "unshare -m (a private mount namespace) is not permitted on this machine";
  }
  TempDir dir("tocsin-journal");
  std::filesystem::create_directories(dir.path() / "journal");
  const int journal = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(journal, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  const std::string socket_path = (dir.path() / "journal" / "socket").string();
  ASSERT_LT(socket_path.size(), sizeof address.sun_path);
  socket_path.copy(address.sun_path, socket_path.size());
  ASSERT_EQ(::bind(journal, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);

  // Nothing listens at this Redis address: the daemon warns that it cannot connect.
  const auto config = dir.path() / "tocsin.conf";
  std::ofstream(config) << "http { listen: \"127.0.0.1:0\" }\n"
                           "redis { url: \"redis://127.0.0.1:1\" }\n"
                        << "spool { directory: \"" << (dir.path() / "spool").string() << "\" }\n";
  const std::string script = "mount --bind '" + dir.path().string() +
                             "' /run/systemd && export JOURNAL_STREAM=$(stat -L -c %d:%i "
                             "/proc/self/fd/2) && exec '" TOCSIN_TOCSIND_PATH "' --config '" +
                             config.string() + "'";
  Subprocess daemon({.argv = {"unshare", "-m", "sh", "-c", script}});
  ASSERT_TRUE(daemon.wait_for_stdout_line(std::regex("listening on"), 10s)) << daemon.stderr_text();

  std::map<std::string, std::map<std::string, std::string>> by_event;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while ((!by_event.count("http_listening") || !by_event.count("redis_connect_failed")) &&
         std::chrono::steady_clock::now() < deadline) {
    pollfd ready{journal, POLLIN, 0};
    if (::poll(&ready, 1, 200) <= 0) continue;
    char buffer[65536];
    const ssize_t n = ::recv(journal, buffer, sizeof buffer, 0);
    if (n <= 0) continue;
    auto fields = fields_of(std::string(buffer, static_cast<size_t>(n)));
    const std::string& message = fields["MESSAGE"];
    if (message.rfind("event=", 0) == 0) {
      by_event[message.substr(6, message.find(' ') - 6)] = fields;
    }
  }
  daemon.send_signal(SIGTERM);
  EXPECT_EQ(daemon.wait_for_exit(10s), 0);
  ::close(journal);

  ASSERT_TRUE(by_event.count("http_listening")) << daemon.stderr_text();
  EXPECT_EQ(by_event["http_listening"]["PRIORITY"], "6");  // info
  EXPECT_EQ(by_event["http_listening"]["SYSLOG_IDENTIFIER"], "tocsind");
  // The journal has its own time and level: the message is the logfmt fields alone.
  EXPECT_EQ(by_event["http_listening"]["MESSAGE"].find("ts="), std::string::npos);
  ASSERT_TRUE(by_event.count("redis_connect_failed"));
  EXPECT_EQ(by_event["redis_connect_failed"]["PRIORITY"], "4");  // warning
  // Not twice: the logfmt lines are no longer written to stderr.
  EXPECT_EQ(daemon.stderr_text().find("event=http_listening"), std::string::npos)
      << daemon.stderr_text();
}

}  // namespace
}  // namespace tocsin::testing
