#pragma once
// Why a command got no usable reply. The first three come from the client (the command got
// no reply); the last two from reading a reply (redis/decode.h): Redis answered -ERR, or
// with a shape the caller did not expect.

#include <system_error>

namespace tocsin::redis {

enum class Errc {
  not_connected = 1,  // no connection right now; nothing was sent
  connection_lost,    // sent, but the connection dropped before the reply: may have run
  stopped,            // the client is shutting down
  server_error,       // Redis answered with an error (-ERR, -NOSCRIPT, a script's error)
  unexpected_reply,   // a reply of another type or size than the caller reads
};

const std::error_category& error_category();
std::error_code make_error_code(Errc e);

}  // namespace tocsin::redis

template <>
struct std::is_error_code_enum<tocsin::redis::Errc> : std::true_type {};
