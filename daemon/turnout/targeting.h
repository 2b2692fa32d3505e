#pragma once
// Counts an alert's frozen audience as `targeted` in its reach counts, where each member
// belongs (alert:{id}:dims), right after the send starts: so the turnout shows the whole
// audience from the first second, not only the members the engine has prepared so far.
// The audience is walked with SSCAN in slices of kTargetSlice members: per slice one
// pipelined read of the members' places from their index, then one short script that
// counts them (about a millisecond of Redis each, never one long block, whatever the
// audience's size).
// Counting is idempotent per member (HSETNX on alert:{id}:dims, turnout/reach_lib.lua): the
// engine's prepare step counts whoever this pass has not reached yet (a daemon stopped
// half-way), and neither counts anyone twice.

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "util/result.h"

namespace tocsin::redis {
class Client;
class Script;
}  // namespace tocsin::redis

namespace tocsin::turnout {

inline constexpr int kTargetSlice = 500;

// Counts members as targeted (turnout/target_members.lua): KEYS target_members_keys(alert
// id), ARGV per member its id, region, sector, local and title. Returns how many of them
// were newly counted.
const redis::Script& target_members_script();
std::vector<std::string> target_members_keys(const std::string& alert_id);

// Walks alert:{id}:audience, then sets the alert's field turnout_targeted to 1 (the prepare
// step stops counting); returns the members newly counted.
boost::asio::awaitable<Result<int64_t>> count_targeted(redis::Client& redis,
                                                       const std::string& alert_id);

}  // namespace tocsin::turnout
