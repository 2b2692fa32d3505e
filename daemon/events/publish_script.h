#pragma once
// The Lua script (events/publish_turnout.lua) that turns an alert's raw counts into the next entry
// of its event stream (event_keys.h), atomically, so that several daemons sharing Redis never write
// one change twice and never write entries closer together than the minimum interval.
//
//   KEYS: turnout_version, tally, reach, published, events, day, turnout_tracked, and the
//         :moved sets of tally, reach and day   (all of one alert)
//   ARGV: min interval between entries (ms), stream MAXLEN (approximate), fields per entry,
//         most fields that moved compared per call (the rest wait for the next call)
//
// Returns {status, version, detail, compared}:
//   0  nothing new: published already reflects `version` (detail "")
//   1  too soon after the last entry: detail is the milliseconds left to wait
//   2  written: detail is the id of the last entry written
// version: the turnout_version the published counts now reflect; while fields that moved
// are left for the next call, the one before (so the caller's poll comes back for them).
// compared: how many fields the script read to compare (0 when it did not), which is what
// its cost grows with: the fields moved since the last entry, or every field of the alert
// on its first entry and after a change an older tocsind made (publish_turnout.lua).
// A change of more fields than fit one entry (the first entry of a large alert) is written
// as several consecutive entries: Lua cannot pass more than ~8,000 arguments to one call.

#include <string>
#include <vector>

#include "redis/script.h"

namespace tocsin::events {

const redis::Script& publish_turnout_script();
// Its KEYS for one alert.
std::vector<std::string> publish_turnout_keys(const std::string& alert_id);

}  // namespace tocsin::events
