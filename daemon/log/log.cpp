#include "log/log.h"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "proto/config.pb.h"

namespace tocsin::log {

void setup(const config::LoggingConfig& config) {
  // setup() may run again (tests, a reload): replace the logger rather than fail.
  spdlog::drop("tocsin");
  std::shared_ptr<spdlog::logger> logger;
  if (config.output().empty() || config.output() == "stderr") {
    logger = spdlog::stderr_logger_mt("tocsin");
  } else {
    logger = spdlog::basic_logger_mt("tocsin", config.output());
  }
  logger->set_pattern("ts=%Y-%m-%dT%H:%M:%S.%eZ level=%l %v", spdlog::pattern_time_type::utc);
  logger->set_level(spdlog::level::from_str(config.level().empty() ? "info" : config.level()));
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
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
