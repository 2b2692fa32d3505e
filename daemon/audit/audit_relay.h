#pragma once
// The audit log is one stream, `audit`, in one hash slot; a step that changes keys of
// another slot (an alert's, the accounts') writes its audit entry to a stream of its own
// slot in the same script (alert:{id}:audit, {auth}:audit) and the caller relays it here
// right after (redis/stream_relay.h): exactly once, in order. A relay cut short is made up
// by the sweep (alerts/alert_relay.h AlertRelaySweep).

#include <boost/asio/awaitable.hpp>

#include <string>

#include "redis/client.h"
#include "redis/stream_relay.h"

namespace tocsin::audit {

// To `audit`, with its cursors in {audit}:relayed. An alert's trail existed before the
// relay (an older tocsind wrote its entries to both streams): with `since_relaying_began`,
// a trail with no cursor yet is relayed only from when relaying began
// ({audit}:relay_began). A source that is new with the relay needs no such floor.
redis::RelayTarget relay_target(bool since_relaying_began);

// Relays `source` to the audit log now (no floor). A failure is logged: the sweep makes it
// up.
boost::asio::awaitable<void> relay(redis::Client& redis, const std::string& source);

}  // namespace tocsin::audit
