#pragma once
// GET /v1/alerts/{id}/events[?region=R][&last_event_id=ID]: the alert's turnout changes as
// Server-Sent Events (contract section 3), scoped like GET /v1/alerts/{id}/turnout.

#include <chrono>

#include "turnout/turnout_model.h"

namespace tocsin::http {
class Router;
}
namespace tocsin::redis {
class Client;
}

namespace tocsin::events {

class EventHub;

struct EventRouteContext {
  redis::Client& redis;
  EventHub& hub;
  std::chrono::milliseconds heartbeat;  // http.sse_heartbeat_ms
  turnout::ReceiptsOf receipts;         // for the snapshot's alert.channels
};

void add_event_routes(http::Router& router, EventRouteContext context);

}  // namespace tocsin::events
