#pragma once
// Blocking HTTP for tests: libcurl for well-formed requests, and a raw socket for the
// malformed, oversized and slow ones a well-behaved client would never send.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tocsin::testing {

struct HttpResponse {
  long status = 0;  // 0 when no answer came (see error)
  std::string body;
  std::string content_type;
  std::string error;
  // Response header lines as received ("Set-Cookie: a=b; Path=/"), without CRLF.
  std::vector<std::string> headers;

  // The value of the first header of that name (any case), or "".
  std::string header(std::string_view name) const;
};

HttpResponse http_request(const std::string& method, const std::string& url,
                          const std::string& body = "",
                          const std::vector<std::string>& headers = {});

inline HttpResponse http_get(const std::string& url, const std::vector<std::string>& headers = {}) {
  return http_request("GET", url, "", headers);
}

// Headers for a JSON request made with a bearer token.
inline std::vector<std::string> bearer(const std::string& token) {
  return {"Authorization: Bearer " + token, "Content-Type: application/json"};
}

// A plain TCP connection to 127.0.0.1:port, from `source` (another loopback address such
// as "127.0.0.2", to look like another client) or from 127.0.0.1.
class RawConnection {
 public:
  explicit RawConnection(uint16_t port, const std::string& source = "");
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  // False if the peer has closed the connection.
  bool send(const std::string& bytes);
  // Everything received until the peer closes, or until `timeout`; sets *closed.
  std::string read_until_closed(std::chrono::milliseconds timeout, bool* closed);
  // The same, but returns as soon as what was received contains `needle`.
  std::string read_until(std::string_view needle, std::chrono::milliseconds timeout,
                         bool* closed);
  // Without waiting: whether the peer has closed (or reset) the connection; what it sent
  // before is read and dropped.
  bool closed_by_peer();

 private:
  int fd_ = -1;
};

}  // namespace tocsin::testing
