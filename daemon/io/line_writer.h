#pragma once
// Executes adapters::LocalWrite: appends one line to a file (the console gateway, the
// audit trail of a dry run). Synchronous on purpose: a local append takes microseconds and
// the dispatcher runs it at 20,000+ lines a second, where a thread hop would cost more
// than the write.
//
// Each file is opened once (O_APPEND) and kept open; line and newline go out in one
// writev(2), so lines from several writers (another LineWriter, another process) never
// interleave. Not thread-safe: one per thread, like everything on the event loop.

#include <string>
#include <unordered_map>

#include "adapters/gateway.h"

namespace tocsin::io {

class LineWriter {
 public:
  LineWriter() = default;
  ~LineWriter();  // closes the files it opened (never standard output)
  LineWriter(const LineWriter&) = delete;
  LineWriter& operator=(const LineWriter&) = delete;

  // Appends request.line and a '\n' to request.path ("-" = standard output), creating the
  // file (mode 0640) if needed. On failure transport_error holds the errno and
  // transport_message says what failed; a line holding a '\n' is refused (EINVAL), since
  // it would read as two.
  adapters::GatewayResponse write(const adapters::LocalWrite& request);

  // Closes the cached files so the next write reopens them: after logrotate moved one.
  void reopen();

 private:
  // The fd for path, opened on first use; -1 with errno set if it cannot be opened.
  int fd_for(const std::string& path);

  std::unordered_map<std::string, int> files_;
};

}  // namespace tocsin::io
