#pragma once
// The live turnout table `tocsin watch` draws: the alert, the totals and each region's
// counts, pickup points (seats needed against capacity, marked OVER), targets with their
// share reached, and the time of the last update. No I/O beyond the stream given.

#include <cstdint>
#include <ostream>

#include "proto/tocsin.pb.h"

namespace tocsin::cli {

// `updated_at_ms`: Unix ms of the last change shown (0: unknown); `connected`: false while
// the stream is down and being re-established. `width`: the terminal's columns, 0 for no
// limit (a pipe). When the wide table (one row per region, every count) does not fit, the
// narrow layout: the title on a line of its own, the counts split into a delivery table and
// an answers table, names cut with "…", so that no line is longer than `width` (a wrapped
// line would scramble a table redrawn in place).
void print_turnout_table(std::ostream& out, const TurnoutResponse& turnout, int64_t updated_at_ms,
                         bool connected, size_t width = 0);

}  // namespace tocsin::cli
