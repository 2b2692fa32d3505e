#include "http/json.h"

#include <google/protobuf/message.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include "http/json_shape.h"

namespace tocsin::http {

std::string to_json(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  std::string out;
  // Printing a well-formed message cannot fail; a failure would be a schema bug.
  if (!google::protobuf::util::MessageToJsonString(message, &out, options).ok()) {
    return R"({"error":"internal error: response could not be encoded"})";
  }
  return out;
}

bool from_json(std::string_view json, google::protobuf::Message* message, std::string* error,
               std::string* field) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const google::protobuf::StringPiece text(json.data(), json.size());
  const auto refuse = [&](const ShapeProblem& problem) {
    *error = problem.field + ": " + problem.reason;
    if (field != nullptr) *field = problem.field;
    return false;
  };
  // Its depth, then its shape as any JSON (http/json_shape.h); protobuf's reason when it
  // is not JSON at all.
  if (const ShapeProblem deep = check_depth(json); !deep.field.empty()) return refuse(deep);
  google::protobuf::Value any;
  auto status = google::protobuf::util::JsonStringToMessage(text, &any, options);
  if (status.ok()) {
    const ShapeProblem problem = check_shape(any, *message->GetDescriptor());
    if (!problem.field.empty()) return refuse(problem);
    status = google::protobuf::util::JsonStringToMessage(text, message, options);
  }
  if (status.ok()) return true;
  *error = std::string(status.message());
  return false;
}

}  // namespace tocsin::http
