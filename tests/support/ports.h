#pragma once
// Free loopback ports for tests that start servers.

#include <cstdint>

namespace tocsin::testing {

// A TCP port on 127.0.0.1 that was free a moment ago: the kernel picks it (bind to port 0),
// and the socket is closed before returning. Another process could take it in between;
// on a test machine that is rare enough.
uint16_t free_tcp_port();

// A free port P whose cluster bus port, P + 10000, is free too (and so at most 55535): what
// a redis-server in cluster mode listens on.
uint16_t free_cluster_port();

}  // namespace tocsin::testing
