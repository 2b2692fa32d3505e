#pragma once
// A preview as an officer reads it in a terminal (`tocsin alert create`, `tocsin alert
// preview`): recipients per channel and language, each exact SMS with its encoding and
// segments, the email subjects, the cost and the time to finish. Kept apart from the CLI's
// I/O so the wording is tested like any other function. No I/O beyond the stream given.

#include <ostream>
#include <string>

#include "proto/tocsin.pb.h"

namespace tocsin::alerts {

// "0 s", "under 1 s", "45 s", "3 min 20 s", "3 min", "2 h 05 min" (seconds rounded up: an
// estimate of time to finish should not promise too much).
std::string format_duration(double seconds);

// Cents as dollars: 1234.4 -> "$12.34" (rounded to the cent).
std::string format_dollars(double cents);

// response: an AlertResponse with its preview (and alert, for the chosen channels and the
// languages).
void write_preview(std::ostream& out, const AlertResponse& response);

}  // namespace tocsin::alerts
