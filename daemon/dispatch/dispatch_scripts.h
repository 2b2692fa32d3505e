#pragma once
// The engine's Lua scripts, each in its own file beside this one (the file's header names
// its KEYS, ARGV and reply). Each is one atomic step on the Redis state of alerts
// (alerts/alert_keys.h, dispatch_keys.h), so a crash between two steps never leaves a
// half-written member:
//
//   prepare_script       prepare.lua: before sending a job's members (or due retries)
//   record_script        record.lua: after sending, in batches (recorder.h; its KEYS and
//                        ARGV built by record_call.h)
//   take_retries_script  take_retries.lua: leases the retries that are due
//
// prepare and record touch keys of an alert, of its members, of its parent alert and
// global ones in one call: fine on one Redis with replicas (daemon/README.md, "Redis"), not
// on Redis Cluster.

#include <string>
#include <vector>

#include "redis/script.h"

namespace tocsin::dispatch {

const redis::Script& prepare_script();
const redis::Script& record_script();
const redis::Script& take_retries_script();

// The KEYS of prepare_script for `members` of the alert `alert_id`, whose RSVP links are
// those of `rsvp_alert_id` (its parent for a wave or a follow-up, else itself).
std::vector<std::string> prepare_keys(const std::string& alert_id,
                                      const std::string& rsvp_alert_id,
                                      const std::vector<std::string>& members);

}  // namespace tocsin::dispatch
