#pragma once
// The scheduler's "send" items (schedule/scheduler.h): "send|<alert id>", added by :send
// for an alert whose send_at is ahead (dispatch/send_queue.h) and due at that time. The
// handler starts the send as the executive who scheduled it: the audience is frozen now,
// and the send queue's script checks again, atomically, that the alert is still
// `scheduled` (a cancelled one is never sent), not expired and approved as its audience
// now requires. What it refuses it records on the alert itself (cancelled by "expiry", or
// back to draft), so a scheduled alert never stays `scheduled` past its time.
//
// Idempotent, as scheduler items must be: run again after a crash between the start and
// the item's end, it finds the alert sending (or sent) and is done.

#include <string_view>

#include "schedule/scheduler.h"

namespace tocsin::redis {
class Client;
}
namespace tocsin::dispatch {

class SendQueue;


inline constexpr std::string_view kScheduledSendKind = "send";

// Register with scheduler.handle(kScheduledSendKind, ...) before scheduler.run().
schedule::TaskHandler scheduled_send_handler(redis::Client& redis, SendQueue& send_queue);

}  // namespace tocsin::dispatch
