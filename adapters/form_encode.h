#pragma once
// Percent-encoding for the application/x-www-form-urlencoded bodies and query strings the
// adapters build, byte for byte what libcurl's curl_easy_escape gives: every byte but
// A-Z a-z 0-9 - . _ ~ becomes %XX (upper-case hex), so '+' in an E.164 number is sent as %2B
// (a bare '+' would decode as a space) and UTF-8 accents as their escaped bytes.
//
// Written here rather than calling curl_easy_escape because that one appends to its buffer
// one byte at a time and formats each %XX with its printf: a fifth of the instructions
// tocsind spent per Twilio message outside libcurl's transfer itself (callgrind,
// gateway_headroom_bench), against a table lookup per byte here.

#include <string>
#include <string_view>

namespace tocsin::adapters {

// Appends value, percent-encoded as above.
void append_form_escaped(std::string* out, std::string_view value);

// Appends "name=value" (value encoded), after a '&' unless out is empty. name is written as
// is: the adapters' field names are plain ASCII words.
void append_form_field(std::string* out, std::string_view name, std::string_view value);

}  // namespace tocsin::adapters
