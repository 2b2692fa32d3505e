#pragma once
// A fresh directory under $TMPDIR (or /tmp) for one test, removed with everything in it
// when the TempDir goes out of scope.

#include <filesystem>
#include <string>

namespace tocsin::testing {

class TempDir {
 public:
  // `prefix` starts the directory's name, to tell leftovers apart. Throws on failure.
  explicit TempDir(const std::string& prefix = "tocsin-test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace tocsin::testing
