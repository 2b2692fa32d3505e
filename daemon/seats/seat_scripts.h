#pragma once
// The seat scripts other than the reply record script (which gives seats out as members
// answer): adding a bus, and taking back the seats not confirmed in time. Both hand the
// freed or new seats to those waiting in the same step (seats/seat_lib.lua).

#include <string>
#include <vector>

#include "redis/script.h"

namespace tocsin::seats {

// seats/add_bus.lua. KEYS: add_bus_keys(alert id). ARGV: alert id, pickup id, buses to add
// (1..10), actor, detail, at_ms.
// Returns {"ok", buses now, members boarded}, or {"no_alert"}, {"wrong_state", state},
// {"no_buses"} (the pickup point does not allocate seats).
const redis::Script& add_bus_script();
std::vector<std::string> add_bus_keys(const std::string& alert_id);

// seats/lapse_unconfirmed.lua. KEYS: lapse_unconfirmed_keys(alert id). ARGV: alert id,
// at_ms. Every seat still unconfirmed is taken back: those waiting board in
// order, then each member whose seat lapsed goes to the end of the waitlist, told their
// rank ("lapsed") — or keeps a seat nobody waited for. Returns {members sent to the
// waitlist, members boarded}. Run once at the lapse time; a second
// run finds nothing unconfirmed (seats given after the request need no confirmation).
const redis::Script& lapse_unconfirmed_script();
std::vector<std::string> lapse_unconfirmed_keys(const std::string& alert_id);

}  // namespace tocsin::seats
