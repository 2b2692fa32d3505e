#pragma once
// Puts back into q:retry the retries a crash left out of it. The record step writes a retry
// in its alert's :retries with the member's `retrying` state, and the recorder adds it to
// the shared q:retry just after (record_plan.h): a daemon killed in between leaves the
// member waiting with nothing to take them, and the alert never finishes. So at start, for
// each alert still sending, every entry of its :retries is added to q:retry unless there
// already (ZADD NX: an entry taken keeps its lease).

#include <boost/asio/awaitable.hpp>

#include <cstddef>

#include "util/result.h"

namespace tocsin::redis {
class Client;
}

namespace tocsin::dispatch {

// The number of entries put back.
boost::asio::awaitable<Result<size_t>> repair_retry_queue(redis::Client& redis);

}  // namespace tocsin::dispatch
