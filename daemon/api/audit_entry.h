#pragma once
// An audit entry written by a route outside any Lua script: added to the alert's own trail
// (alert:{id}:audit), then relayed to the global `audit` stream (alerts/alert_relay.h), as
// every alert's entry is. For views that hand out names (rides, manifests), written before
// the body leaves.

#include <boost/asio/awaitable.hpp>

#include <string>

#include "auth/principal.h"

namespace tocsin::redis {
class Client;
}

namespace tocsin::api {

// `detail` gets " token=<the principal's token id>" appended. false when Redis failed.
boost::asio::awaitable<bool> write_audit(redis::Client& redis, const std::string& alert_id,
                                         const std::string& action, const std::string& detail,
                                         const auth::Principal& who);

}  // namespace tocsin::api
