#pragma once
// Walks the members an audience expression selects, slice by slice: each slice is one
// read-only script call (members/audience_slice.lua) over one SSCAN page of about `slice`
// members of the driver set (audience_predicate.h), so no call holds Redis for long however
// large the roster. The price: the walk is not one instant of the roster. A member present
// during the whole walk is seen exactly once or (SSCAN may repeat) twice, never missed; one
// added or removed meanwhile may or may not be seen. Steps must therefore be idempotent per
// member.

#include <boost/asio/awaitable.hpp>

#include <system_error>

#include "members/audience.h"
#include "redis/set_slices.h"

namespace tocsin::redis {
class Client;
class Script;
}  // namespace tocsin::redis

namespace tocsin::members {

// Members per SSCAN page when the caller has no reason to choose: about 1,000 set lookups
// per term, a few milliseconds of Redis per call.
inline constexpr int kAudienceSlice = 1000;

const redis::Script& audience_slice_script();

// Calls `step` with each non-empty slice of the selected members. Stops at the first error,
// of Redis or of a step.
boost::asio::awaitable<std::error_code> walk_audience(redis::Client& redis,
                                                      const AudienceExpr& expr, int slice,
                                                      redis::SliceStep step);

}  // namespace tocsin::members
