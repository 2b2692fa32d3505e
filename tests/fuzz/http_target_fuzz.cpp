// Fuzzes the request-target parser (path and query decoding) and the JSON body parser:
// both see bytes straight from the network.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "http/json.h"
#include "http/message.h"
#include "proto/tocsin.pb.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string path;
  std::multimap<std::string, std::string> query;
  if (tocsin::http::parse_target(input, &path, &query)) {
    // A decoded path never holds a NUL (it would truncate C-string uses).
    if (path.find('\0') != std::string::npos) __builtin_trap();
  }
  tocsin::CreateTokenRequest request;
  std::string error;
  if (tocsin::http::from_json(input, &request, &error)) {
    tocsin::http::to_json(request);
  }
  return 0;
}
