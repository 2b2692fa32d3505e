#pragma once
// The members of a parent alert's frozen audience who are in a target group now
// (target_group.h): a child's audience, stored by the caller when it is previewed, approved
// or sent. The parent's audience is walked with SSCAN, one short read-only script per slice
// of about `slice` members, so a 150,000-member parent never blocks Redis for long.

#include <boost/asio/awaitable.hpp>

#include <string>
#include <system_error>
#include <vector>

#include "redis/set_slices.h"
#include "util/result.h"

namespace tocsin::redis {
class Client;
class Script;
}  // namespace tocsin::redis

namespace tocsin::alerts {

inline constexpr int kGroupSlice = 1000;

// KEYS: the parent's alert:{parent} and the keys the rule reads; ARGV: group, member ids.
// Returns the ids in the group.
const redis::Script& group_slice_script();

// Calls `step` with each non-empty slice of the members of alert:{parent}:audience in
// `group`. Stops at the first error.
boost::asio::awaitable<std::error_code> walk_group(redis::Client& redis,
                                                   const std::string& parent_id,
                                                   const std::string& group, int slice,
                                                   redis::SliceStep step);

// Whether each of a child alert's `members` is still in `group` of the parent's audience,
// just before they are sent (alerts/group_check.lua, one read-only call in the parent's
// slot): per member "" when in it, else the delivery state that says why not
// ("skipped:answered" for a reminder's no_answer, else "skipped:left_group").
const redis::Script& group_check_script();
boost::asio::awaitable<Result<std::vector<std::string>>> left_group_states(
    redis::Client& redis, const std::string& parent_id, const std::string& group,
    const std::vector<std::string>& members);

}  // namespace tocsin::alerts
