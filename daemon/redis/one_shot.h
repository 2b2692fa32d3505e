#pragma once
// One question to one Redis server on a connection of its own, opened for it and closed
// after: where a client has no connection yet to ask on (the sentinels, before the master
// is known; a cluster's seed nodes, before the slot map is).

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "redis/reply.h"
#include "redis/url.h"

namespace tocsin::redis {

// Connects to `server`, sends AUTH `password` when not empty, then `command`, each within
// `timeout`. The reply (an error reply too), or nullopt and in *why what went wrong,
// beginning with the server's address.
boost::asio::awaitable<std::optional<Reply>> ask_once(boost::asio::any_io_executor executor,
                                                      Endpoint server, std::string password,
                                                      std::vector<std::string> command,
                                                      std::chrono::milliseconds timeout,
                                                      std::string* why);

}  // namespace tocsin::redis
