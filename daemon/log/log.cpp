#include "log/log.h"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/sinks/systemd_sink.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "proto/config.pb.h"

namespace tocsin::log {

void setup(const config::LoggingConfig& config) {
  // setup() may run again (tests, a reload): replace the logger rather than fail.
  spdlog::drop("tocsin");
  std::shared_ptr<spdlog::logger> logger;
  const bool to_stderr = config.output().empty() || config.output() == "stderr";
  if (to_stderr && stderr_is_journal()) {
    // The journal keeps its own time and priority: the line is the logfmt fields alone.
    logger = spdlog::systemd_logger_mt("tocsin", "tocsind");
  } else {
    logger = to_stderr ? spdlog::stderr_logger_mt("tocsin")
                       : spdlog::basic_logger_mt("tocsin", config.output());
    logger->set_pattern("ts=%Y-%m-%dT%H:%M:%S.%eZ level=%l %v", spdlog::pattern_time_type::utc);
  }
  logger->set_level(spdlog::level::from_str(config.level().empty() ? "info" : config.level()));
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
}

bool stderr_is_journal() {
  const char* stream = std::getenv("JOURNAL_STREAM");
  if (stream == nullptr) return false;
  unsigned long long device = 0;
  unsigned long long inode = 0;
  char end = 0;
  if (std::sscanf(stream, "%llu:%llu%c", &device, &inode, &end) != 2) return false;
  struct stat status {};
  if (::fstat(2, &status) != 0) return false;
  return static_cast<unsigned long long>(status.st_dev) == device &&
         static_cast<unsigned long long>(status.st_ino) == inode;
}

void print_error(std::string_view line) {
  std::cerr << (stderr_is_journal() ? "<3>" : "") << line << "\n" << std::flush;
}

std::string quote(std::string_view value) {
  bool plain = !value.empty();
  for (char c : value) {
    if (c <= ' ' || c == '"' || c == '=' || c == '\\' || c == 0x7f) plain = false;
  }
  if (plain) return std::string(value);
  std::string out = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) {
      out += c;
    }
  }
  out += '"';
  return out;
}

}  // namespace tocsin::log
