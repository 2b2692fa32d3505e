#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string_view>

#include "config/checks.h"
#include "config/quote.h"

namespace tocsin::config::checks {
namespace {

constexpr std::string_view kZoneInfo = "/usr/share/zoneinfo/";

// IANA names are made of these ("America/Port-au-Prince", "Etc/GMT+5"). Anything else, and
// any way out of the zoneinfo directory, is refused before touching the file system.
bool is_plausible_zone_name(const std::string& name) {
  if (name.empty() || name.front() == '/' || name.back() == '/') return false;
  if (name.find("..") != std::string::npos || name.find("//") != std::string::npos) {
    return false;
  }
  for (char c : name) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '/' || c == '_' || c == '-' || c == '+';
    if (!ok) return false;
  }
  return true;
}

// The zoneinfo directory also holds tables ("zone.tab", "leapseconds"); a real zone is a
// compiled TZif file, which is what the time formatting will load.
bool is_tzif_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return false;
  struct stat info {};
  char magic[4] = {};
  ssize_t n = -1;
  if (::fstat(fd, &info) == 0 && S_ISREG(info.st_mode)) n = ::read(fd, magic, sizeof magic);
  ::close(fd);
  return n == 4 && std::string_view(magic, 4) == "TZif";
}

}  // namespace

void time_zone(const std::string& name, Problems* problems) {
  if (name.empty()) return;  // the default
  if (!is_plausible_zone_name(name) || !is_tzif_file(std::string(kZoneInfo) + name)) {
    problems->emplace_back("time_zone", "unknown time zone " + in_quotes(name) +
                                            "; expected an IANA name such as America/Toronto "
                                            "(see /usr/share/zoneinfo)");
  }
}

}  // namespace tocsin::config::checks
