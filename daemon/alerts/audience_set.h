#pragma once
// Whom an alert goes to, written into a Redis set: the members its audience expression
// selects now, or for a child (a wave or a follow-up, Alert.parent_id) the members of its
// parent's frozen audience in its target group now (alerts/group_audience.h). Used to
// preview, approve and freeze the audience, so all three agree.

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <string>

#include "proto/tocsin.pb.h"
#include "util/result.h"

namespace tocsin::redis {
class Client;
}

namespace tocsin::alerts {

// Fills `destination` (replaced) with the alert's audience; returns its size.
boost::asio::awaitable<Result<int64_t>> materialize_audience(redis::Client& redis,
                                                             const Alert& alert,
                                                             const std::string& destination);

}  // namespace tocsin::alerts
