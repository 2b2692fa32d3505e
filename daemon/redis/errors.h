#pragma once
// Why a command got no reply. A reply that Redis sent as an error (-ERR ...) is not one of
// these: it arrives as a Reply with type error.

#include <system_error>

namespace tocsin::redis {

enum class Errc {
  not_connected = 1,  // no connection right now; nothing was sent
  connection_lost,    // sent, but the connection dropped before the reply: may have run
  stopped,            // the client is shutting down
};

const std::error_category& error_category();
std::error_code make_error_code(Errc e);

}  // namespace tocsin::redis

template <>
struct std::is_error_code_enum<tocsin::redis::Errc> : std::true_type {};
