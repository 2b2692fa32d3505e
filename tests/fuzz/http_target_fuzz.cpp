// Fuzzes the request-target parser (path and query decoding) and the JSON body parser
// with its shape and depth checks (http/json_shape.h): both see bytes straight from the
// network.

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
  // The largest body of the API, with nested messages, maps and repeated fields.
  tocsin::Alert alert;
  std::string field;
  if (tocsin::http::from_json(input, &alert, &error, &field)) {
    // What was accepted prints and reads back the same.
    tocsin::Alert again;
    if (!tocsin::http::from_json(tocsin::http::to_json(alert), &again, &error)) __builtin_trap();
  } else if (!field.empty() && error.rfind(field + ": ", 0) != 0) {
    __builtin_trap();  // a refusal naming a field starts with it
  }
  return 0;
}
