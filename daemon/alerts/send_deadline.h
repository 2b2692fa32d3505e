#pragma once
// When an alert stops being sent: at its expiry, or when the event starts, whichever comes
// first (issue 8): a call to an assembly that has begun only misleads. Messages still due
// then are recorded as expired, not sent, and counted so in the turnout. Pure.

#include <cstdint>
#include <string_view>

namespace tocsin::alerts {

// In Unix ms; 0 when neither is set. `expires_at_ms` as alert:{id} stores it (0 = none),
// `event_time` as the Alert holds it (RFC 3339; empty or unreadable = none).
int64_t send_deadline_ms(int64_t expires_at_ms, std::string_view event_time);

}  // namespace tocsin::alerts
