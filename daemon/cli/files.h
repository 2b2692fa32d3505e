#pragma once
// Files a command reads from the operator's disk (a roster, an alert).

#include <string>

namespace tocsin::cli {

// The whole file, bytes as they are; CommandError (exit 2) when it cannot be read.
std::string read_file(const std::string& path);

}  // namespace tocsin::cli
