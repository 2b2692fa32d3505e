#include "tests/support/kannel_harness.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <regex>
#include <stdexcept>

#include "tests/support/daemon_process.h"
#include "tests/support/http_client.h"
#include "tests/support/ports.h"

namespace tocsin::testing {
namespace {

using namespace std::chrono_literals;

constexpr char kBearerbox[] = "/usr/sbin/bearerbox";
constexpr char kSmsbox[] = "/usr/sbin/smsbox";
constexpr char kFakesmsc[] = "/usr/lib/kannel/test/fakesmsc";
constexpr auto kStartTimeout = 15s;
// fakesmsc reads its input with fgets into 256 bytes; a longer line would be cut in two.
constexpr size_t kMaxMoLine = 250;

std::string kannel_string(const std::string& value) {
  return "\"" + value + "\"";
}

void require_installed(const char* path) {
  if (::access(path, X_OK) != 0) {
    throw std::runtime_error(std::string("Kannel test harness: ") + path +
                             " is missing; install kannel and kannel-extras "
                             "(daemon/install-deps.sh --tests)");
  }
}

}  // namespace

KannelHarness::KannelHarness(Options options)
    : options_(std::move(options)), dir_("tocsin-kannel") {
  require_installed(kBearerbox);
  require_installed(kSmsbox);
  require_installed(kFakesmsc);
  admin_port_ = free_tcp_port();
  smsbox_port_ = free_tcp_port();
  sendsms_port_ = free_tcp_port();
  smsc_port_ = free_tcp_port();
  if (options_.inbound_url.empty()) {
    // Port 1 on loopback refuses at once: replies go nowhere, quickly.
    options_.inbound_url = "http://127.0.0.1:1/unused?from=%p&text=%a";
  }
  write_config();
  start_bearerbox();
  start_smsbox_process();
  start_fakesmsc();
}

KannelHarness::~KannelHarness() {
  // Reverse order of start. Kannel keeps nothing we need (internal DLR storage, no store
  // file), so SIGKILL (Subprocess's destructor) is as good as the bearerbox's 3 s of
  // orderly shutdown, and faster.
  smsbox_.reset();
  fakesmsc_.reset();
  bearerbox_.reset();
  if (mo_fifo_fd_ >= 0) ::close(mo_fifo_fd_);
}

std::string KannelHarness::sendsms_url() const {
  return "http://127.0.0.1:" + std::to_string(sendsms_port_) + "/cgi-bin/sendsms";
}

std::string KannelHarness::status() const {
  const auto response = http_get("http://127.0.0.1:" + std::to_string(admin_port_) +
                                 "/status.txt?password=" + admin_password_);
  return response.status == 200 ? response.body : std::string();
}

void KannelHarness::write_config() {
  config_path_ = dir_.path() / "kannel.conf";
  std::ofstream out(config_path_);
  // Every listener on loopback only; the Debian service, if it runs, keeps to 13000-13002.
  out << "group = core\n"
      << "admin-port = " << admin_port_ << "\n"
      << "admin-interface = 127.0.0.1\n"
      << "admin-password = " << kannel_string(admin_password_) << "\n"
      << "admin-allow-ip = \"127.0.0.1\"\n"
      << "smsbox-port = " << smsbox_port_ << "\n"
      << "smsbox-interface = 127.0.0.1\n"
      << "box-allow-ip = \"127.0.0.1\"\n"
      << "dlr-storage = internal\n\n"
      << "group = smsc\n"
      << "smsc = fake\n"
      << "smsc-id = FAKE\n"
      << "port = " << smsc_port_ << "\n"
      << "our-host = 127.0.0.1\n"
      << "connect-allow-ip = 127.0.0.1\n\n"
      << "group = smsbox\n"
      << "bearerbox-host = 127.0.0.1\n"
      << "bearerbox-port = " << smsbox_port_ << "\n"
      << "sendsms-port = " << sendsms_port_ << "\n"
      << "sendsms-interface = 127.0.0.1\n"
      // UCS-2 replies reach the get-url as UTF-8.
      << "mo-recode = true\n\n"
      << "group = sendsms-user\n"
      << "username = " << kannel_string(username_) << "\n"
      << "password = " << kannel_string(password_) << "\n"
      << "max-messages = " << options_.max_messages << "\n"
      << "concatenation = true\n"
      << "default-sender = " << kannel_string(options_.default_sender) << "\n\n"
      << "group = sms-service\n"
      << "keyword = default\n"
      << "catch-all = true\n"
      // No reply of Kannel's own: the daemon answers through sendsms when it wants to.
      << "max-messages = 0\n"
      << "get-url = " << kannel_string(options_.inbound_url) << "\n";
  if (!out) throw std::runtime_error("Kannel test harness: cannot write " + config_path_.string());
}

void KannelHarness::start_bearerbox() {
  // -v 1: info and up on stderr; the debug level logs every message several times.
  bearerbox_ = std::make_unique<Subprocess>(
      Subprocess::Options{{kBearerbox, "-v", "1", config_path_.string()}});
  if (!eventually([this] { return status().find("Status: running") != std::string::npos; },
                  kStartTimeout)) {
    throw std::runtime_error("Kannel test harness: bearerbox did not start:\n" + logs());
  }
}

void KannelHarness::start_smsbox_process() {
  smsbox_ = std::make_unique<Subprocess>(
      Subprocess::Options{{kSmsbox, "-v", "1", config_path_.string()}});
  // The sendsms port opens before the smsbox reaches the bearerbox; only both together
  // mean a request will be queued.
  const bool ready = eventually(
      [this] {
        return status().find("smsbox:") != std::string::npos && http_get(sendsms_url()).status != 0;
      },
      kStartTimeout);
  if (!ready) throw std::runtime_error("Kannel test harness: smsbox did not start:\n" + logs());
}

void KannelHarness::start_fakesmsc() {
  mo_fifo_path_ = dir_.path() / "mo.fifo";
  if (::mkfifo(mo_fifo_path_.c_str(), 0600) != 0) {
    throw std::runtime_error(std::string("Kannel test harness: mkfifo: ") + std::strerror(errno));
  }
  // Read and write: the open does not wait for a reader, and fakesmsc never sees the end
  // of its input while we hold it.
  mo_fifo_fd_ = ::open(mo_fifo_path_.c_str(), O_RDWR | O_CLOEXEC);
  if (mo_fifo_fd_ < 0) {
    throw std::runtime_error(std::string("Kannel test harness: open FIFO: ") +
                             std::strerror(errno));
  }
  // Subprocess gives its child /dev/null as input; the shell swaps in the FIFO, and sends
  // the log (where "Got message" lines go) to standard output. exec keeps one process.
  fakesmsc_ = std::make_unique<Subprocess>(
      Subprocess::Options{{"/bin/sh", "-c", "exec \"$0\" -H 127.0.0.1 -r \"$1\" -i 0 <\"$2\" 2>&1",
                           kFakesmsc, std::to_string(smsc_port_), mo_fifo_path_.string()}});
  const std::string online = "FAKE:" + std::to_string(smsc_port_) + " (online";
  if (!eventually([&] { return status().find(online) != std::string::npos; }, kStartTimeout)) {
    throw std::runtime_error("Kannel test harness: fakesmsc did not connect:\n" + logs());
  }
}

void KannelHarness::read_fakesmsc_output() {
  const std::string text = fakesmsc_->stdout_text();
  if (text.size() > consumed_) {
    output_.feed(std::string_view(text).substr(consumed_));
    consumed_ = text.size();
  }
}

bool KannelHarness::wait_for_messages(size_t count, std::chrono::milliseconds timeout) {
  return eventually(
      [&] {
        std::lock_guard lock(mutex_);
        read_fakesmsc_output();
        return output_.messages().size() >= count;
      },
      timeout);
}

std::vector<FakesmscMessage> KannelHarness::received() {
  std::lock_guard lock(mutex_);
  read_fakesmsc_output();
  return output_.messages();
}

size_t KannelHarness::segments_received() {
  std::lock_guard lock(mutex_);
  read_fakesmsc_output();
  return output_.records();
}

long KannelHarness::bearerbox_messages_sent() const {
  // "SMS: received 0 (0 queued), sent 50 (0 queued), store size -1"
  static const std::regex kSent(R"(SMS: received \d+ \(\d+ queued\), sent (\d+) \()");
  const std::string text = status();
  std::smatch match;
  if (!std::regex_search(text, match, kSent)) return -1;
  return std::stol(match[1].str());
}

void KannelHarness::send_mo(const std::string& from, const std::string& to,
                            const std::string& text) {
  const std::string line = from + " " + to + " text " + text + "\n";
  if (line.size() > kMaxMoLine || text.find('\n') != std::string::npos ||
      from.find(' ') != std::string::npos || to.find(' ') != std::string::npos) {
    throw std::invalid_argument("send_mo: one line of at most 200 bytes, numbers without spaces");
  }
  std::lock_guard lock(mutex_);
  // One write of less than PIPE_BUF bytes: atomic, and the FIFO has room.
  if (::write(mo_fifo_fd_, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
    throw std::runtime_error(std::string("send_mo: write: ") + std::strerror(errno));
  }
  ++mo_written_;
  // fakesmsc looks at its input once a second.
  if (!eventually(
          [this] {
            read_fakesmsc_output();
            return output_.mo_sent() >= mo_written_;
          },
          10s)) {
    throw std::runtime_error("send_mo: fakesmsc did not send the message:\n" + logs());
  }
}

void KannelHarness::kill_smsbox() {
  smsbox_->send_signal(SIGKILL);
  smsbox_->wait_for_exit(5s);
  smsbox_.reset();
  if (!eventually([this] { return status().find("smsbox:") == std::string::npos; },
                  kStartTimeout)) {
    throw std::runtime_error("Kannel test harness: bearerbox still lists the killed smsbox");
  }
}

void KannelHarness::start_smsbox() {
  if (smsbox_ != nullptr) throw std::logic_error("start_smsbox: the smsbox is running");
  start_smsbox_process();
}

std::string KannelHarness::logs() {
  std::string out;
  auto add = [&out](const char* name, Subprocess* process) {
    if (process == nullptr) return;
    out += std::string("--- ") + name + " stdout:\n" + process->stdout_text();
    out += std::string("--- ") + name + " stderr:\n" + process->stderr_text();
  };
  add("bearerbox", bearerbox_.get());
  add("smsbox", smsbox_.get());
  add("fakesmsc", fakesmsc_.get());
  return out;
}

}  // namespace tocsin::testing
