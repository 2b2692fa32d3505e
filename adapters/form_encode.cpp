#include "adapters/form_encode.h"

namespace tocsin::adapters {
namespace {

// RFC 3986's unreserved characters, the only ones curl_easy_escape leaves as they are.
constexpr bool unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

}  // namespace

void append_form_escaped(std::string* out, std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  // One pass to size the result, one to write it: no reallocation in between.
  size_t escaped = 0;
  for (const char c : value) {
    if (!unreserved(static_cast<unsigned char>(c))) ++escaped;
  }
  const size_t start = out->size();
  out->resize(start + value.size() + 2 * escaped);
  char* p = out->data() + start;
  for (const char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if (unreserved(byte)) {
      *p++ = c;
    } else {
      *p++ = '%';
      *p++ = kHex[byte >> 4];
      *p++ = kHex[byte & 0x0F];
    }
  }
}

void append_form_field(std::string* out, std::string_view name, std::string_view value) {
  if (!out->empty()) out->push_back('&');
  out->append(name);
  out->push_back('=');
  append_form_escaped(out, value);
}

}  // namespace tocsin::adapters
