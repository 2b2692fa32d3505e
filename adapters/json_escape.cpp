#include "adapters/json_escape.h"

#include "util/utf8.h"

namespace tocsin::adapters {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

}  // namespace

void append_json_string(std::string* out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->reserve(out->size() + text.size() + 2);
  out->push_back('"');
  size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      const utf8::Step step = utf8::decode(text, i);
      if (step.length <= 0) {  // invalid or cut short
        out->append(kReplacement);
        ++i;
      } else if (step.code_point == 0x2028 || step.code_point == 0x2029) {
        out->append(step.code_point == 0x2028 ? "\\u2028" : "\\u2029");
        i += 3;
      } else {
        out->append(text.substr(i, static_cast<size_t>(step.length)));
        i += static_cast<size_t>(step.length);
      }
      continue;
    }
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\f':
        out->append("\\f");
        break;
      default:
        if (c < 0x20 || c == 0x7F) {
          out->append("\\u00");
          out->push_back(kHex[c >> 4]);
          out->push_back(kHex[c & 0xF]);
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
    ++i;
  }
  out->push_back('"');
}

}  // namespace tocsin::adapters
