#pragma once
// The checks a token and an account share: who holds it (a name), their role, and the
// regions a coordinator is limited to.

#include <boost/asio/awaitable.hpp>
#include <google/protobuf/repeated_ptr_field.h>

#include <optional>
#include <string>
#include <string_view>

#include "auth/principal.h"
#include "http/message.h"

namespace tocsin::redis {
class Client;
}

namespace tocsin::api {

// A 400 naming the field at fault, or nullopt when all is well. `noun`: "token",
// "account".
std::optional<http::Response> check_holder(
    std::string_view noun, const std::string& name, std::optional<auth::Role> role,
    const google::protobuf::RepeatedPtrField<std::string>& regions);

// The 400 for regions no member has ("estri" for "estrie"): a coordinator limited to one
// would see nothing. nullopt when every region is known, or when no roster has been
// imported yet (nothing to check against: the first holders often come before the roster).
// The caller skips it when asked to force.
boost::asio::awaitable<std::optional<http::Response>> refuse_unknown_regions(
    redis::Client& redis, const google::protobuf::RepeatedPtrField<std::string>& regions,
    std::string_view noun);

}  // namespace tocsin::api
