#pragma once
// Reads of what happened to an alert after its creation: where its approval stands
// (the fields alert_store.h's record_approval_request, approve and decline write) and its
// audit trail (alert:{id}:audit, alert_keys.h), for the console's alert and approval pages.

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>

#include "proto/console.pb.h"
#include "util/result.h"

namespace tocsin::redis {
class Client;
}

namespace tocsin::alerts {

// nullopt when no alert has this id.
boost::asio::awaitable<Result<std::optional<ApprovalStatus>>> read_approval(redis::Client& redis,
                                                                            std::string id);

// The alert's trail, oldest first (at most `limit` entries).
boost::asio::awaitable<Result<AlertAuditResponse>> read_trail(redis::Client& redis, std::string id,
                                                              size_t limit);

// The approval links' secret; created (32 random bytes) when `create` and there is none yet.
// "" when there is none and `create` is false: no link was ever issued.
boost::asio::awaitable<Result<std::string>> approval_secret(redis::Client& redis, bool create);

}  // namespace tocsin::alerts
