#pragma once
// Parses the Redis address given in the config or TOCSIN_REDIS_URL.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tocsin::redis {

struct Endpoint {
  // Exactly one of tcp (host+port) or unix socket path is set.
  std::string host;
  uint16_t port = 6379;
  std::string unix_path;
  int db = 0;
  std::string password;  // from the URL's userinfo, if any

  bool is_unix() const { return !unix_path.empty(); }
  // Where it points, without the password: safe to log.
  std::string describe() const;
};

// Accepts "redis://[[user]:password@]host[:port][/db]" and "unix:///path/to/socket[?db=N]".
// Returns nullopt and sets *error to a one-line reason otherwise.
std::optional<Endpoint> parse_url(std::string_view url, std::string* error);

}  // namespace tocsin::redis
