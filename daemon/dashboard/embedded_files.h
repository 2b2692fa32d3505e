#pragma once
// The dashboard's static files as compiled into the binary. The definitions are generated
// at build time from daemon/dashboard/ by embed_assets.cmake; use assets.h to look one up.

#include <cstddef>
#include <string_view>

namespace tocsin::dashboard {

struct EmbeddedFile {
  std::string_view name;   // file name, e.g. "app.js"
  std::string_view bytes;  // its content
  std::string_view etag;   // a strong ETag, quotes included: "\"<128 bits of SHA-256>\""
};

extern const EmbeddedFile kEmbeddedFiles[];
extern const size_t kEmbeddedFileCount;

}  // namespace tocsin::dashboard
