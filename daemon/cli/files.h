#pragma once
// Files a command reads from the operator's disk (a roster, an alert).

#include <cstdint>
#include <string>

namespace tocsin::cli {

// An alert file is a page or two of text; its JSON must fit the daemon's default body
// limit (http.max_body_bytes, 1 MiB).
inline constexpr uint64_t kMaxAlertFileBytes = 1ull << 20;

// The whole file, bytes as they are, read with a bound: CommandError (exit 2) when it
// cannot be read, is not a regular file ("FILE: not a regular file": a directory, a
// device such as /dev/zero, a pipe) or holds more than max_bytes ("FILE: larger than
// N MiB"), before more than max_bytes are read.
std::string read_file(const std::string& path, uint64_t max_bytes);

}  // namespace tocsin::cli
