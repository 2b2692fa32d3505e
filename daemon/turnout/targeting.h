#pragma once
// Counting an alert's audience as `targeted` in its reach counts, where each member belongs
// (alert:{id}:dims, turnout/reach_lib.lua), happens as their jobs are queued
// (dispatch/send_jobs.lua), so the turnout shows each member before their message can go.
// A member's place is made of the values they are indexed under (member:{id}:idx), which
// live outside the alert's hash slot: the daemon reads them first, here, and passes them to
// the alert's script.

#include <boost/asio/awaitable.hpp>

#include <string>
#include <vector>

#include "turnout/reach_count.h"
#include "util/result.h"

namespace tocsin::redis {
class Client;
}  // namespace tocsin::redis

namespace tocsin::turnout {

// Per member, in order: its region, sector, local and title ('' where the member has none,
// as for a member removed from the roster since: counted under no region), read in one
// pipelined round trip. A script that counts a member takes their place encoded
// (encode_place()), so that Redis does not build the same strings again.
boost::asio::awaitable<Result<std::vector<Place>>> read_places(
    redis::Client& redis, const std::vector<std::string>& members);

}  // namespace tocsin::turnout
