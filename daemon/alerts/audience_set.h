#pragma once
// Whom an alert goes to: the members its audience expression selects now, or for a child (a
// wave or a follow-up, Alert.parent_id) the members of its parent's frozen audience in its
// target group now (alerts/group_audience.h). Walked in slices of short read-only scripts
// (members/audience_walk.h), so even 600,000 members never hold Redis for long; the price is
// that the result is not one instant of the roster (a member added or removed during the
// walk may or may not be in it). Used to preview, approve and freeze the audience, so all
// three agree.

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <string>
#include <system_error>

#include "proto/tocsin.pb.h"
#include "redis/set_slices.h"
#include "util/result.h"

namespace tocsin::redis {
class Client;
}

namespace tocsin::alerts {

// Calls `step` with each non-empty slice of the alert's audience (about `slice` members
// scanned per call; SSCAN may hand a member twice, so steps are idempotent per member).
boost::asio::awaitable<std::error_code> walk_alert_audience(redis::Client& redis,
                                                            const Alert& alert, int slice,
                                                            redis::SliceStep step);

// Fills `destination` (replaced) with the alert's audience, one SADD per slice; returns its
// size.
boost::asio::awaitable<Result<int64_t>> materialize_audience(redis::Client& redis,
                                                             const Alert& alert,
                                                             const std::string& destination);

}  // namespace tocsin::alerts
