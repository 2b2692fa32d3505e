#pragma once
// The engine's Lua scripts, each in its own file beside this one (the file's header names
// its KEYS, ARGV and reply). Each is one atomic step on the Redis state of alerts
// (alerts/alert_keys.h, dispatch_keys.h), so a crash between two steps never leaves a
// half-written member:
//
//   prepare_script       prepare.lua: before sending a job's members (or due retries)
//   record_script        record.lua: after sending, one call per alert of a batch
//                        (recorder.h; record_plan.h builds its KEYS and ARGV and the
//                        writes around it in other slots)
//   take_retries_script  take_retries.lua: leases the retries that are due
//
// Each touches one hash slot: prepare and record only the alert's keys (what prepare needs
// of the members and of a child's parent comes as values, prepare_args), take_retries only
// q:retry.

#include <string>
#include <string_view>
#include <vector>

#include "redis/script.h"

namespace tocsin::members {
struct MemberForSend;
}

namespace tocsin::dispatch {

const redis::Script& prepare_script();
const redis::Script& record_script();
const redis::Script& take_retries_script();

// The KEYS of prepare_script for the alert `alert_id`: its own only.
std::vector<std::string> prepare_keys(const std::string& alert_id);

// One member to prepare, as prepare.lua takes it.
struct PrepareMember {
  std::string_view id;
  std::string_view tag;            // the RSVP link tag
  std::string_view retry_channel;  // "" for a job from the queue
  const members::MemberForSend& roster;
  std::string_view left_group;  // alerts::left_group_states(): "" when in the group
};

// The ARGV of prepare_script. `mode` "send" | "expire"; `channels` "sms" | "email" |
// "both"; `links_here` when the link tags go to the alert's own links (not a child's,
// whose links are its parent's and written by the caller).
std::vector<std::string> prepare_args(std::string_view mode, std::string_view channels,
                                      bool links_here, const std::vector<PrepareMember>& members);

}  // namespace tocsin::dispatch
