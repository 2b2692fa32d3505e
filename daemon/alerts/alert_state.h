#pragma once
// The states of an alert as stored in alert:{id} (field state: "draft", "approved"...)
// and as the API shows them (AlertState). The stored name is the truth (see alert_keys.h).

#include <string_view>

#include "proto/tocsin.pb.h"

namespace tocsin::alerts {

// "draft", "approved", "sending", "sent", "closed", "cancelled"; "" for unspecified.
std::string_view state_name(AlertState state);

// The inverse; ALERT_STATE_UNSPECIFIED for an unknown name.
AlertState parse_state(std::string_view name);

}  // namespace tocsin::alerts
