#pragma once
// Reading a small whole file (the config, a secret) with errno-based errors, which are what
// a person fixing a permission problem needs to see.

#include <filesystem>
#include <string>

namespace tocsin::config {

// The file's contents. Returns false and sets *error to strerror(errno) (or "larger than
// N bytes") when it cannot be read.
bool read_small_file(const std::filesystem::path& path, std::string* contents, std::string* error);

}  // namespace tocsin::config
