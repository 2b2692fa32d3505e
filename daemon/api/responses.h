#pragma once
// The answers every route file gives alike: a message as JSON, and the 503 of a Redis that
// cannot be reached (the client retries; nothing was changed).

#include "http/message.h"

namespace google::protobuf {
class Message;
}

namespace tocsin::api {

http::Response json(unsigned status, const google::protobuf::Message& message);

// 503 "Redis is unavailable; try again shortly".
http::Response unavailable();

}  // namespace tocsin::api
