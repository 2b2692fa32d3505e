#pragma once
// Reading Twilio's JSON answers to a send: the message sid on success, the numeric error
// code otherwise. A tiny tolerant scan rather than a JSON parser: it runs once per message
// on the dispatch thread (protobuf's JSON util costs tens of microseconds for an answer of
// Twilio's size), it needs two top-level scalars only, and a compatible provider or a proxy
// may answer with a body that is not JSON at all, which must simply yield nothing.

#include <optional>
#include <string>
#include <string_view>

namespace tocsin::adapters::twilio {

// The value of the first `"key": value` pair in body, as text: a string's content (escapes
// left as they are) or a bare scalar (number, true, null...). Nullopt when absent.
std::optional<std::string> json_scalar(std::string_view body, std::string_view key);

// The answer's "code" as a number (Twilio sends a number; some compatible providers a
// string), or 0 when there is none.
int error_code(std::string_view body);

// A few words for the error codes that change what we do or that an operator must fix
// ("invalid number", "credentials refused"); "" for other codes. Never a number or text
// from the answer itself: Twilio's "message" quotes the recipient's number.
std::string_view describe_error_code(int code);

}  // namespace tocsin::adapters::twilio
