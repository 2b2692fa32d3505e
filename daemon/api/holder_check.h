#pragma once
// The checks a token and an account share: who holds it (a name), their role, and the
// regions a coordinator is limited to.

#include <google/protobuf/repeated_ptr_field.h>

#include <optional>
#include <string>
#include <string_view>

#include "auth/principal.h"
#include "http/message.h"

namespace tocsin::api {

// A 400 naming the field at fault, or nullopt when all is well. `noun`: "token",
// "account".
std::optional<http::Response> check_holder(
    std::string_view noun, const std::string& name, std::optional<auth::Role> role,
    const google::protobuf::RepeatedPtrField<std::string>& regions);

}  // namespace tocsin::api
