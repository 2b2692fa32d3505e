#pragma once
// Request and response bodies in the protobuf JSON mapping: the HTTP API speaks the
// messages of proto/ as JSON (daemon/README.md, "One contract").

#include <string>
#include <string_view>

namespace google::protobuf {
class Message;
}

namespace tocsin::http {

// Compact JSON; fields at their default value are included, so clients see every field.
std::string to_json(const google::protobuf::Message& message);

// Parses a JSON body into message. Unknown fields are rejected. On failure returns false
// and sets *error to protobuf's reason (it names the offending field).
bool from_json(std::string_view json, google::protobuf::Message* message, std::string* error);

}  // namespace tocsin::http
