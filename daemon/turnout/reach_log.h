#pragma once
// While an alert is sending, the delivery path logs each member's reach move and applies
// the log every 100 ms or 250 moves (turnout/reach_lib.lua), so its counts may trail by
// that much. A reader that wants them exact applies the log first: the turnout route does,
// and so can the event stream's publisher.

#include <boost/asio/awaitable.hpp>

#include <string>
#include <vector>

#include "util/result.h"

namespace tocsin::redis {
class Client;
class Script;
}  // namespace tocsin::redis

namespace tocsin::turnout {

// Applies alert:{id}:reach_log, if any; returns the moves applied (turnout/apply_moves.lua).
const redis::Script& apply_moves_script();
// Its KEYS for one alert.
std::vector<std::string> apply_moves_keys(const std::string& alert_id);

boost::asio::awaitable<Result<int64_t>> apply_pending_moves(redis::Client& redis,
                                                            const std::string& alert_id);

}  // namespace tocsin::turnout
