#pragma once
// The scheduler's handler for "seat_lapse|<alert id>" (alerts/fleet_fields.h kSeatLapseTask):
// at the seat confirmation's lapse_at, the seats still unconfirmed go back to the waitlist
// and the seats freed go to those waiting, in one script (seat_scripts.h); the members are
// told by the seat notifier. Nothing happens for an alert cancelled or closed meanwhile.
// Running it twice lapses nothing more.

#include "schedule/scheduler.h"

namespace tocsin {
class Clock;
}
namespace tocsin::redis {
class Client;
}

namespace tocsin::seats {

schedule::TaskHandler seat_lapse_handler(redis::Client& redis, const Clock& clock);

}  // namespace tocsin::seats
