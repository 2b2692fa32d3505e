#pragma once
// Reads what the turnout model (turnout_model.h) is built from: an alert's raw counts
// (alert:{id}:reach and alert:{id}:tally), the alert itself, the last entry of its event
// stream and the display names of what the viewer's fields name. Used by
// GET /v1/alerts/{id}/turnout and by the event stream's snapshot.

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>

#include "proto/tocsin.pb.h"
#include "turnout/turnout_model.h"
#include "turnout/turnout_scope.h"

namespace tocsin::redis {
class Client;
}

namespace tocsin::turnout {

// HGETALL alert:{id}:tally and alert:{id}:reach, in one pipeline: their union (the two
// hold different measures). nullopt when Redis failed.
boost::asio::awaitable<std::optional<RawFields>> read_raw(redis::Client& redis,
                                                          const std::string& alert_id);

struct TurnoutRead {
  enum class Status { ok, not_found, unavailable };
  Status status = Status::unavailable;
  TurnoutResponse turnout;  // ok: built for the scope, with updated_at_ms and last_event_id
};

// The alert's turnout seen through `scope`. The alert, its counts and the id of the last
// event-stream entry are read in one MULTI/EXEC, so the counts include every change up to
// that entry (and maybe a few after it: a viewer applying the entries after
// last_event_id converges, as they carry absolute values). updated_at_ms is the time of the
// last change to the counts (alert:{id}:turnout_at), else of that entry. The delivery
// path's pending moves (reach_log.h) are applied first. `receipts`: build_turnout's.
boost::asio::awaitable<TurnoutRead> read_turnout(redis::Client& redis, const std::string& alert_id,
                                                 const Scope& scope, const ReceiptsOf& receipts);

}  // namespace tocsin::turnout
