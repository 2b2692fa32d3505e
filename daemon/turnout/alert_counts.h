#pragma once
// A few numbers per alert for `GET /v1/alerts` and `GET /v1/alerts/{id}`: its frozen
// audience, the members reached and the members answering yes, in the viewer's scope, read
// from the turnout's own counts (turnout_field.h: "<region>|all|targeted", "...|sent",
// "...|yes"). Bounded work for a long list: two pipelines whatever the number of alerts,
// each command naming one field per region of the alert (alert:{id}:regions), never a scan
// of members or messages. The delivery path's pending moves (reach_log.h, at most 100 ms of
// them) are not applied here: a caller that wants one alert's counts exact applies them
// first (GET /v1/alerts/{id} does); a list may trail the live turnout by that much.

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <vector>

#include "proto/tocsin.pb.h"
#include "turnout/turnout_scope.h"

namespace tocsin::redis {
class Client;
}

namespace tocsin::turnout {

// One AlertCounts per id, in order (zeros for an alert not sent yet); nullopt when Redis failed.
boost::asio::awaitable<std::optional<std::vector<AlertCounts>>> read_alert_counts(
    redis::Client& redis, const std::vector<std::string>& alert_ids, const Scope& scope);

}  // namespace tocsin::turnout
