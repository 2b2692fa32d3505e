#pragma once
// The members of a parent alert's frozen audience who are in a target group now
// (target_group.h): a child's audience, written into a set when it is previewed, approved
// or sent. The parent's audience is walked with SSCAN, one short script per slice of
// kGroupSlice members, so a 150,000-member parent never blocks Redis for long.

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <string>

#include "util/result.h"

namespace tocsin::redis {
class Client;
class Script;
}  // namespace tocsin::redis

namespace tocsin::alerts {

inline constexpr int kGroupSlice = 2000;

// ARGV: parent id, group, destination set, member ids. Adds the members in the group to
// the destination; returns how many it added.
const redis::Script& group_slice_script();

// Fills `destination` (emptied first) with the members of alert:{parent}:audience in
// `group`; returns their number.
boost::asio::awaitable<Result<int64_t>> materialize_group(redis::Client& redis,
                                                          const std::string& parent_id,
                                                          const std::string& group,
                                                          const std::string& destination);

}  // namespace tocsin::alerts
