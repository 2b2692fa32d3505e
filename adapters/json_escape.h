#pragma once
// JSON string literals for lines the adapters write themselves (the console/file outbox),
// where building a protobuf message per line would cost more than the line.

#include <string>
#include <string_view>

namespace tocsin::adapters {

// Appends text as a JSON string literal, quotes included. Valid UTF-8 passes through as is
// (accents and emoji stay readable); quote, backslash and every control character are
// escaped, as are U+2028/U+2029 (legal JSON, but line breaks to JavaScript). Bytes that are
// not valid UTF-8 (truncated, overlong, surrogates, above U+10FFFF) become U+FFFD, so the
// result is always valid UTF-8 and valid JSON whatever the input.
void append_json_string(std::string* out, std::string_view text);

}  // namespace tocsin::adapters
