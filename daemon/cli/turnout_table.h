#pragma once
// The live turnout table `tocsin watch` draws: the alert, the totals and each region's
// counts, pickup points (seats needed against capacity, marked OVER), targets with their
// share reached, and the time of the last update. No I/O beyond the stream given.

#include <cstdint>
#include <ostream>

#include "proto/tocsin.pb.h"

namespace tocsin::cli {

// `updated_at_ms`: Unix ms of the last change shown (0: unknown); `connected`: false while
// the stream is down and being re-established.
void print_turnout_table(std::ostream& out, const TurnoutResponse& turnout, int64_t updated_at_ms,
                         bool connected);

}  // namespace tocsin::cli
