#include "http/json.h"

#include <google/protobuf/message.h>
#include <google/protobuf/util/json_util.h>

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

bool from_json(std::string_view json, google::protobuf::Message* message, std::string* error) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), message, options);
  if (status.ok()) return true;
  *error = std::string(status.message());
  return false;
}

}  // namespace tocsin::http
