#pragma once
// Walks the members an audience expression selects, slice by slice: each slice is one
// SSCAN page of about `slice` members of the driver set (audience_predicate.h) and one
// pipeline of SMISMEMBER, one per term, for the page; the daemon runs the expression on the
// answers. No call holds Redis for long however large the roster, and no script spans the
// indexes' hash slots (Redis Cluster). The price: the walk is not one instant of the roster. A member present
// during the whole walk is seen exactly once or (SSCAN may repeat) twice, never missed; one
// added or removed meanwhile may or may not be seen. Steps must therefore be idempotent per
// member.

#include <boost/asio/awaitable.hpp>

#include <system_error>

#include "members/audience.h"
#include "redis/set_slices.h"

namespace tocsin::redis {
class Client;
}  // namespace tocsin::redis

namespace tocsin::members {

// Members per SSCAN page when the caller has no reason to choose: about 1,000 set lookups
// per term, a fraction of a millisecond of Redis per command.
inline constexpr int kAudienceSlice = 1000;

// Calls `step` with each non-empty slice of the selected members. Stops at the first error,
// of Redis or of a step.
boost::asio::awaitable<std::error_code> walk_audience(redis::Client& redis,
                                                      const AudienceExpr& expr, int slice,
                                                      redis::SliceStep step);

}  // namespace tocsin::members
