#include "cli/files.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "cli/api_client.h"

namespace tocsin::cli {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw CommandError(2, path + ": cannot read: " + std::strerror(errno));
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

}  // namespace tocsin::cli
