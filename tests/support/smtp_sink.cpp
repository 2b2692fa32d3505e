#include "tests/support/smtp_sink.h"

#include <algorithm>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "tests/support/ports.h"

namespace tocsin::testing {

SmtpSink::SmtpSink(Options options) : dir_("tocsin-smtp-sink"), port_(free_tcp_port()) {
  Subprocess::Options spawn;
  // Debian's interpreter: python3-aiosmtpd is installed for it, not for another python3
  // that may come first on PATH.
  spawn.argv = {"/usr/bin/python3", std::string(TOCSIN_SOURCE_DIR) + "/tests/support/smtp_sink.py",
                std::to_string(port_), dir_.path().string()};
  if (!options.tls_certificate.empty()) {
    spawn.argv.insert(spawn.argv.end(),
                      {"--tls", options.tls_certificate.string(), options.tls_key.string()});
  }
  if (!options.username.empty()) {
    spawn.argv.insert(spawn.argv.end(), {"--auth", options.username, options.password});
  }
  process_ = std::make_unique<Subprocess>(spawn);
  if (!process_->wait_for_stdout_line(std::regex("^ready$"), std::chrono::seconds(10))) {
    throw std::runtime_error(
        "smtp_sink.py did not start (python3-aiosmtpd missing? daemon/install-deps.sh "
        "--tests installs it): " +
        process_->stderr_text());
  }
}

std::vector<std::filesystem::path> SmtpSink::message_files() const {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir_.path())) {
    // Names are message-NNNN.eml, numbered in the order received; partial files start
    // with a dot.
    if (entry.path().filename().string().rfind("message-", 0) == 0) files.push_back(entry);
  }
  std::sort(files.begin(), files.end());
  return files;
}

SmtpSink::Activity SmtpSink::activity() const {
  // The lines of events.log: "mail N tls|clear", "auth N ok|refused". smtp_sink.py writes
  // each before it answers the command, so every reply a client has got is counted.
  Activity activity;
  std::ifstream lines(dir_.path() / "events.log");
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::string kind, what;
    int connection = 0;
    if (!(words >> kind >> connection >> what)) continue;
    if (kind == "mail") {
      ++activity.mail_commands;
      if (what == "clear") ++activity.mail_in_clear;
      activity.mail_connections.insert(connection);
    } else if (kind == "auth") {
      ++(what == "ok" ? activity.logins : activity.refused_logins);
    }
  }
  return activity;
}

}  // namespace tocsin::testing
