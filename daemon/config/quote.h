#pragma once
// Quoting of user-supplied values inside error messages. Errors are printed as one line, so a
// value with a newline or control bytes (a mangled config, a fuzzer) must not break it.

#include <string>
#include <string_view>

namespace tocsin::config {

// `"value"`, with quotes, backslashes and non-printable bytes escaped C-style.
std::string in_quotes(std::string_view value);

}  // namespace tocsin::config
