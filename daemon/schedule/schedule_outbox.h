#pragma once
// The scheduler items an alert's steps add and remove ("queue|<id>", "wave|<id>|<n>",
// "send|<id>"): the scheduler's ZSETs are in another hash slot than the alert, so a step
// writes them to the alert's own outbox (alert:{id}:schedule_out: "op" add |
// add_unless_running | remove, "item", "due") in the same script as the change, and the
// caller applies them right after (schedule_relay.lua), exactly once and in order, through
// the relay of alerts/alert_relay.h. A crash in between is made up by its sweep.

#include <boost/asio/awaitable.hpp>

#include <string>

#include "alerts/alert_relay.h"
#include "redis/client.h"

namespace tocsin::schedule {

alerts::OutboxRoute schedule_outbox_route();

// Applies the alert's outbox now; a failure is logged and left to the sweep.
boost::asio::awaitable<void> apply_schedule_outbox(redis::Client& redis,
                                                   const std::string& alert_id);

}  // namespace tocsin::schedule
