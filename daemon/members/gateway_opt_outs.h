#pragma once
// Addresses a gateway refused as opted out while sending, added to the opt-out registry in
// one step in the roster's slot (members/gateway_opt_outs.lua). The send's recorder writes
// them before the members' `opted_out` states, so a crash in between never leaves a member
// marked opted out whom the next alert would still reach.

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

struct GatewayOptOut {
  std::string channel;  // "sms" | "email"
  std::string address;  // the E.164 phone or the email address
  std::string member_id;
};

const redis::Script& gateway_opt_outs_script();
ScriptCall gateway_opt_outs_call(const std::vector<GatewayOptOut>& opt_outs);

// Nothing to do for none. Safe to run again after a failure.
boost::asio::awaitable<std::error_code> record_gateway_opt_outs(
    redis::Client& redis, const std::vector<GatewayOptOut>& opt_outs);

}  // namespace tocsin::members
