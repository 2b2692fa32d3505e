#pragma once
// The stored Alert a route acts on (the proto field of alert:{id}), read the one way every
// route answers alike: the 503 when Redis cannot be reached or answers an error, the 404
// when the id names no alert whose record reads.

#include <boost/asio/awaitable.hpp>

#include <string>
#include <variant>

#include "http/message.h"
#include "proto/tocsin.pb.h"

namespace tocsin::redis {
class Client;
}

namespace tocsin::api {

// The caller has checked the id's form (alerts::is_alert_id).
boost::asio::awaitable<std::variant<Alert, http::Response>> read_stored_alert(
    redis::Client& redis, const std::string& id);

}  // namespace tocsin::api
