#pragma once
// Logging: spdlog, one line per event, in logfmt (key=value) so a line reads well in the
// journal and parses with standard tools:
//   ts=2026-11-22T07:45:53.123Z level=info event=http_listening address=127.0.0.1:8080
// Messages are written "event=<snake_case> key=value ..."; values that may contain spaces
// go through quote(), values that may hold personal data through mask.h.

#include <string>
#include <string_view>

namespace tocsin::config {
class LoggingConfig;
}

namespace tocsin::log {

// Installs the default logger described by the config. Throws std::runtime_error when
// the output file cannot be opened (startup only).
void setup(const config::LoggingConfig& config);

// A logfmt value: as is when it is a plain token, else in double quotes, with quotes and
// backslashes escaped and control characters dropped.
std::string quote(std::string_view value);

}  // namespace tocsin::log
