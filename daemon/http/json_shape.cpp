#include "http/json_shape.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/struct.pb.h>

namespace tocsin::http {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Value;

// "a string", "an object"... in a reason.
std::string_view kind_of(const Value& value) {
  switch (value.kind_case()) {
    case Value::kNullValue:
      return "null";
    case Value::kNumberValue:
      return "a number";
    case Value::kStringValue:
      return "a string";
    case Value::kBoolValue:
      return "true or false";
    case Value::kStructValue:
      return "an object";
    case Value::kListValue:
      return "an array";
    case Value::KIND_NOT_SET:
      break;
  }
  return "nothing";
}

std::string_view expected(const FieldDescriptor& field) {
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_MESSAGE:
      return "an object";
    case FieldDescriptor::CPPTYPE_STRING:
      return "a string";
    case FieldDescriptor::CPPTYPE_ENUM:
      return "a name (a string)";
    case FieldDescriptor::CPPTYPE_BOOL:
      return "true or false";
    default:
      return "a number";
  }
}

// The field a JSON key names: its JSON name ("pickupPoints") or its proto name, as
// protobuf's parser accepts both.
const FieldDescriptor* find_field(const Descriptor& type, const std::string& key) {
  for (int i = 0; i < type.field_count(); ++i) {
    const FieldDescriptor* field = type.field(i);
    if (field->json_name() == key || field->name() == key) return field;
  }
  return nullptr;
}

bool is_well_known(const Descriptor& type) {
  return type.full_name().starts_with("google.protobuf.");
}

class Checker {
 public:
  ShapeProblem problem;

  bool message(const Value& value, const Descriptor& type, const std::string& path) {
    if (value.kind_case() != Value::kStructValue) return fail(path, value, "an object");
    for (const auto& [key, member] : value.struct_value().fields()) {
      const FieldDescriptor* field = find_field(type, key);
      if (field == nullptr) continue;
      const std::string at = path.empty() ? key : path + "." + key;
      if (!this->field(member, *field, at)) return false;
    }
    return true;
  }

 private:
  bool fail(const std::string& path, const Value& value, std::string_view wanted) {
    problem = {path, "is " + std::string(kind_of(value)) + ", expected " + std::string(wanted)};
    return false;
  }

  // A field's whole value; null means "absent" in the JSON mapping, allowed for a field.
  bool field(const Value& value, const FieldDescriptor& field, const std::string& path) {
    if (value.kind_case() == Value::kNullValue) return true;
    if (field.is_map()) {
      if (value.kind_case() != Value::kStructValue) return fail(path, value, "an object");
      const FieldDescriptor& entry_value = *field.message_type()->map_value();
      for (const auto& [key, member] : value.struct_value().fields()) {
        if (!single(member, entry_value, path + "." + key)) return false;
      }
      return true;
    }
    if (field.is_repeated()) {
      if (value.kind_case() != Value::kListValue) return fail(path, value, "an array");
      const auto& items = value.list_value().values();
      for (int i = 0; i < items.size(); ++i) {
        if (!single(items[i], field, path + "[" + std::to_string(i) + "]")) return false;
      }
      return true;
    }
    return single(value, field, path);
  }

  // One value of the field's type: an element, a map value or a singular field. Never
  // null or an array: protobuf would drop or flatten it.
  bool single(const Value& value, const FieldDescriptor& field, const std::string& path) {
    const auto kind = value.kind_case();
    if (field.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
        is_well_known(*field.message_type())) {
      return true;  // its own JSON form: google.protobuf.Value may be null or an array
    }
    if (kind == Value::kNullValue || kind == Value::kListValue) {
      return fail(path, value, expected(field));
    }
    if (field.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      return message(value, *field.message_type(), path);
    }
    if (kind == Value::kStructValue) return fail(path, value, expected(field));
    return true;
  }
};

}  // namespace

ShapeProblem check_depth(std::string_view json) {
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  bool root_is_object = false;
  bool expect_key = false;  // the next string at depth 1 of the root object is a key
  size_t string_start = 0;
  std::string key;  // the root object's key being read
  for (size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
        if (expect_key) key = std::string(json.substr(string_start, i - string_start));
        expect_key = false;
      }
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        string_start = i + 1;
        expect_key = expect_key && depth == 1;
        break;
      case '{':
      case '[':
        if (depth == 0) root_is_object = c == '{';
        if (++depth > kMaxJsonDepth) {
          return {root_is_object && !key.empty() ? key : "body",
                  "nests arrays or objects more than " + std::to_string(kMaxJsonDepth) + " deep"};
        }
        expect_key = depth == 1 && root_is_object;
        break;
      case '}':
      case ']':
        --depth;
        break;
      case ',':
        expect_key = depth == 1 && root_is_object;
        break;
      default:
        break;
    }
  }
  return {};
}

ShapeProblem check_shape(const Value& body, const Descriptor& type) {
  Checker checker;
  if (!checker.message(body, type, "")) {
    if (checker.problem.field.empty()) checker.problem.field = "body";
    return checker.problem;
  }
  return {};
}

}  // namespace tocsin::http
