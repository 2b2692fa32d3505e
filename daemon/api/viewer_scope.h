#pragma once
// The counts a viewer may see on the turnout and report routes: their scope
// (turnout/turnout_scope.h) narrowed by `?region=R` (an empty one is none), or the 403
// (field "region") for a region outside a coordinator's.

#include <variant>

#include "http/message.h"
#include "turnout/turnout_scope.h"

namespace tocsin::api {

std::variant<turnout::Scope, http::Response> viewer_scope(const http::Request& request);

}  // namespace tocsin::api
