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

// Parses a JSON body into message. Unknown fields are rejected, and so is a value whose
// shape does not fit its field (http/json_shape.h: an array inside a repeated field, a
// null element). On failure returns false and sets *error to the reason, which names the
// offending field, and *field (when given) to that field as written in the body
// ("pickupPoints[0]"), when it is known.
bool from_json(std::string_view json, google::protobuf::Message* message, std::string* error,
               std::string* field = nullptr);

}  // namespace tocsin::http
