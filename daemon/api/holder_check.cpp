#include "api/holder_check.h"

#include "members/member_keys.h"
#include "members/text_fold.h"
#include "members/unknown_terms.h"
#include "redis/client.h"
#include "redis/decode.h"
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

boost::asio::awaitable<std::optional<http::Response>> refuse_unknown_regions(
    redis::Client& redis, const google::protobuf::RepeatedPtrField<std::string>& regions,
    std::string_view noun) {
  using http::error_response;
  std::vector<std::pair<std::string, std::string>> terms;
  for (const auto& region : regions) terms.emplace_back("region", members::fold(region));
  auto unknown = co_await members::find_unknown_terms(redis, terms);
  if (!unknown) co_return error_response(503, "Redis is unavailable; try again shortly");
  if (unknown->empty()) co_return std::nullopt;
  redis::Command roster{"SCARD", std::string(members::keys::kAll)};
  auto members = redis::decode<int64_t>(co_await redis.exec(std::move(roster)));
  if (!members) co_return error_response(503, "Redis is unavailable; try again shortly");
  if (*members == 0) co_return std::nullopt;
  co_return error_response(400,
                           members::describe(*unknown) + "; to create the " + std::string(noun) +
                               " before a roster names that region, use --force "
                               "(\"force\": true)",
                           "regions");
}

}  // namespace tocsin::api
