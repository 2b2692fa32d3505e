#pragma once
// The shape of a JSON body against a protobuf message, checked before protobuf's own JSON
// parser reads it. That parser is lenient where a request must not be: it flattens an
// array nested in a repeated field ("pickupPoints": [[{...}]] becomes one pickup point),
// stores [null] as an empty element and a deep nest of arrays as nothing. Here each value
// must have its field's shape: an object for a message, an array of non-null, non-array
// values for a repeated field, an object for a map. Types of scalars (a number for a
// string...) are left to protobuf, whose errors name the field.

#include <string>
#include <string_view>

namespace google::protobuf {
class Descriptor;
class Value;
}  // namespace google::protobuf

namespace tocsin::http {

// Deeper than any request of the API (an alert is 4 levels deep): refused before any
// parser recurses into it.
inline constexpr int kMaxJsonDepth = 16;

struct ShapeProblem {
  std::string field;   // as written in the body: "pickupPoints[0]", "messages.fr.sms"
  std::string reason;  // "is an array, expected an object"
};

// Arrays and objects nested more than kMaxJsonDepth deep in the text `json`, named by the
// key of the root object they are under ("pickupPoints": "nests arrays or objects more
// than 16 deep"); field empty when none are. Only looks at brackets outside strings: the
// text need not be valid JSON otherwise.
ShapeProblem check_depth(std::string_view json);

// The first value of `body` (any JSON, read as google.protobuf.Value) whose shape does not
// fit `type`; field empty when all fit. Unknown keys are skipped: protobuf refuses them.
ShapeProblem check_shape(const google::protobuf::Value& body,
                         const google::protobuf::Descriptor& type);

}  // namespace tocsin::http
