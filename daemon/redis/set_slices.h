#pragma once
// Walks a Redis set in slices with SSCAN, handing each slice to a step that usually runs one
// short script on it: the way to touch every member of a 150,000-member audience without
// one long block of Redis (turnout/targeting.h, alerts/group_audience.h).

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <string>
#include <system_error>
#include <vector>

namespace tocsin::redis {

class Client;

using SliceStep = std::function<boost::asio::awaitable<std::error_code>(std::vector<std::string>)>;

// Calls `step` with each non-empty slice of about `slice` members of `key` (SSCAN COUNT:
// a member added or removed meanwhile may be seen once, twice or not at all, so steps are
// idempotent per member). Stops at the first error, of Redis or of a step.
boost::asio::awaitable<std::error_code> for_each_slice(Client& redis, const std::string& key,
                                                       int slice, SliceStep step);

}  // namespace tocsin::redis
