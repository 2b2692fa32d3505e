#pragma once
// A member's STOP (ARRET) or START by SMS, applied to the SMS opt-out registry: the number in
// {roster}:optout:sms, and the members holding it ({roster}:phone:<number>) in
// {roster}:optout:sms:members, which the sender and the audience counts read. One step in
// the roster's slot (members/opt_out_registry.h), of set operations only, so a batch
// applied again after a cut (the replies stream delivers at least once) ends the same; a
// roster import meanwhile keeps the registry by the numbers too.

#include <boost/asio/awaitable.hpp>

#include <string>
#include <system_error>
#include <vector>

namespace tocsin::redis {
class Client;
}

namespace tocsin::replies {

struct SmsOptChange {
  bool stop = true;    // STOP: opted out; START: back in
  std::string number;  // E.164
};

// Applies each change, in order (a STOP then a START of one number in a batch ends in).
boost::asio::awaitable<std::error_code> apply_sms_opt_changes(
    redis::Client& redis, const std::vector<SmsOptChange>& changes);

}  // namespace tocsin::replies
