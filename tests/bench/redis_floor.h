#pragma once
// What Redis must spend per message at least, to set beside what the dispatch path spends:
// the commands a minimal design of the same guarantees sends per message (a prepare that
// reads the member, their index, the opt-out set and the address's owner; a record of two
// HSETs and a counter), pipelined with no Lua, as redis-benchmark -P does. Measured on the
// same redis-server and roster as the blast, in the same run.
//
// And Redis's longest calls (SLOWLOG), to check that no single call stalls it.

#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

#include "tests/support/redis_sync.h"

namespace tocsin::bench {

// Redis CPU microseconds per message of the floor, over `member_ids` (their member keys
// must exist). Writes only under the hash tag {redis-floor}, deleted afterwards.
double floor_redis_us_per_message(testing::RedisSync& redis, pid_t redis_pid,
                                  const std::vector<std::string>& member_ids);

// Logs every call slower than `threshold_us` from now on (SLOWLOG RESET).
void start_slowlog(testing::RedisSync& redis, long threshold_us);
// Prints the longest call logged since start_slowlog and the `top` longest, with their
// command and first argument (a script's SHA, named by `name_of` when given); the longest in
// microseconds.
long print_slowlog(testing::RedisSync& redis, size_t top = 5,
                   const std::function<std::string(const std::string&)>& name_of = {});
// With start_slowlog(redis, 0) (every call logged): prints Redis's time per unit by script
// (named by `name_of` from its SHA1) or command, the largest first, from the slow log.
void print_time_by_call(testing::RedisSync& redis, size_t units, const char* unit,
                        const std::function<std::string(const std::string&)>& name_of);

}  // namespace tocsin::bench
