#pragma once
// Where a Sentinel-watched master is: the client (client.h) asks before each connection,
// and checks the answer with ROLE once connected, since a sentinel may still name a master
// that has just been demoted. A failover is followed by the next connection: the old
// master's connection drops (it died), or its writes answer READONLY, or the health
// check's ROLE says "slave" (it was demoted); each closes the connection, and the client
// asks the sentinels again.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "redis/reply.h"
#include "redis/url.h"
#include "util/result.h"

namespace tocsin::redis {

struct SentinelOptions {
  std::string master_name;
  std::vector<Endpoint> sentinels;
  std::string password;  // the sentinels' own (requirepass in sentinel.conf), if any
};

// Asks each sentinel in turn, each within `timeout`, for the master's address: the first
// answer, or in *why what each said. The master's password and database are the caller's.
boost::asio::awaitable<std::optional<Endpoint>> ask_sentinels(boost::asio::any_io_executor executor,
                                                              const SentinelOptions& options,
                                                              std::chrono::milliseconds timeout,
                                                              std::string* why);

// Whether a reply to ROLE says "master".
bool reports_master(const Reply& role);
// The role a ROLE reply names ("slave", "sentinel"), for a log line.
std::string reported_role(const Reply& role);

}  // namespace tocsin::redis
