#pragma once
// Changes to the opt-out registry, applied in one step in the roster's slot
// (members/opt_out_registry.lua): a member's STOP or START by SMS (replies/sms_opt_outs.h),
// and the addresses a gateway refused as opted out while sending, which the send's
// recorder writes before the members' `opted_out` states, so a crash in between never
// leaves a member marked opted out whom the next alert would still reach.

#include <boost/asio/awaitable.hpp>

#include <string>
#include <system_error>
#include <vector>

#include "members/member_store_scripts.h"

namespace tocsin::redis {
class Client;
class Script;
}  // namespace tocsin::redis

namespace tocsin::members {

struct OptOutChange {
  bool stop = true;       // opted out; false: back in (START)
  std::string channel;    // "sms" | "email"
  std::string address;    // the E.164 number or the email address
  std::string member_id;  // email: the member it belongs to (an SMS number's are its holders)
};

const redis::Script& opt_out_registry_script();
ScriptCall opt_out_registry_call(const std::vector<OptOutChange>& changes);

// Applies the changes in order; nothing to do for none. Safe to run again after a failure.
boost::asio::awaitable<std::error_code> apply_opt_out_changes(
    redis::Client& redis, const std::vector<OptOutChange>& changes);

}  // namespace tocsin::members
