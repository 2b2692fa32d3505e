#pragma once
// The answers every route file gives alike: a message as JSON, the 503 of a Redis that
// cannot be reached (the client retries; nothing was changed), and the 404 of an alert id
// that names none.

#include <string>

#include "http/message.h"

namespace google::protobuf {
class Message;
}

namespace tocsin::api {

http::Response json(unsigned status, const google::protobuf::Message& message);

// 503 "Redis is unavailable; try again shortly".
http::Response unavailable();

// 404 `no alert with id "ID"`, field "id".
http::Response no_alert(const std::string& id);

}  // namespace tocsin::api
