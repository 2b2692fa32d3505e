#include "api/holder_check.h"

#include "util/control_characters.h"

namespace tocsin::api {
namespace {

constexpr size_t max_name_length = 100;

}  // namespace

std::optional<http::Response> check_holder(
    std::string_view noun, const std::string& name, std::optional<auth::Role> role,
    const google::protobuf::RepeatedPtrField<std::string>& regions) {
  using http::error_response;
  const std::string an = std::string(noun == "account" ? "an " : "a ") + std::string(noun);
  if (name.empty()) return error_response(400, an + " needs a name", "name");
  if (name.size() > max_name_length) {
    return error_response(400, "name is longer than 100 characters", "name");
  }
  // The name is printed wherever its holder acted (tocsin alert list, the audit).
  if (const auto found = find_control_character(name)) {
    return error_response(400, "name " + describe(*found), "name");
  }
  if (!role) {
    return error_response(400, "role must be admin, executive or coordinator", "role");
  }
  if (*role == auth::Role::coordinator && regions.empty()) {
    return error_response(400, "a coordinator " + std::string(noun) + " needs at least one region",
                          "regions");
  }
  if (*role != auth::Role::coordinator && !regions.empty()) {
    return error_response(400, "only coordinator " + std::string(noun) + "s are limited to regions",
                          "regions");
  }
  for (const auto& region : regions) {
    if (region.empty() || region.size() > max_name_length) {
      return error_response(400, "a region name must be 1 to 100 characters", "regions");
    }
    if (const auto found = find_control_character(region)) {
      return error_response(400, "a region name " + describe(*found), "regions");
    }
  }
  return std::nullopt;
}

}  // namespace tocsin::api
