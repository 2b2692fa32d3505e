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
// the output file cannot be opened (startup only). With output "stderr" under systemd
// (stderr is the journal's stream), lines go to the journal through its native protocol
// instead, each with its level as the journal's PRIORITY (warn 4, error 3, critical 2), so
// `journalctl -p warning -u tocsind` finds them.
void setup(const config::LoggingConfig& config);

// True when stderr is connected to the journal: systemd sets JOURNAL_STREAM to the device
// and inode of that stream, and they are fstat(2)'s (a child of the service whose stderr
// was redirected keeps the variable but not the stream).
bool stderr_is_journal();

// A startup failure's one line, on stderr; with "<3>" in front when stderr is the journal,
// which files it at priority error (systemd's SyslogLevelPrefix=, on by default).
void print_error(std::string_view line);

// A logfmt value: as is when it is a plain token, else in double quotes, with quotes and
// backslashes escaped and control characters dropped.
std::string quote(std::string_view value);

}  // namespace tocsin::log
