#pragma once
// The fixture of the Lua scripts' contract tests (tests/contract): each test drives one
// script directly against a real redis-server, apart from the daemon: its inputs (KEYS,
// ARGV and the data before), its reply, and the keys it changed.
//
// Every test runs twice (a parameterized suite): on a plain redis-server, and on a
// redis-server in cluster mode (one node owning all 16,384 slots). In cluster mode Redis
// refuses a script with the #!lua shebang that touches keys of two slots, declared or not,
// so a test passing there proves the script's keys share a slot.
//
//   class SeatSettle : public tocsin::testing::ScriptContract {};
//   TEST_P(SeatSettle, ...) {
//     redis().command({"HSET", ...});                       // the data before
//     auto reply = run(seats::lua::seat_settle, keys, args);  // the script
//     EXPECT_EQ(changed_keys(before), (std::set<std::string>{...}));
//   }
//   TOCSIN_SCRIPT_CONTRACT(SeatSettle);  // both modes

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "redis/reply.h"
#include "tests/support/redis_sync.h"

namespace tocsin::testing {

enum class RedisMode { standalone, cluster };
std::string PrintToString(RedisMode mode);

class ScriptContract : public ::testing::TestWithParam<RedisMode> {
 protected:
  // Empties the server of this mode (started once per test binary and mode).
  void SetUp() override;

  RedisSync& redis();
  RedisMode mode() const { return GetParam(); }

  // EVAL of the script's text (an embedded <folder>/<name>.lua.h), as the daemon runs it.
  redis::Reply run(std::string_view script, const std::vector<std::string>& keys,
                   const std::vector<std::string>& args);

  // Every key with a fingerprint of its value (type and content), to compare before and
  // after a call.
  using Keyspace = std::map<std::string, std::string>;
  Keyspace keyspace();
  // The keys created, deleted or changed since `before`.
  std::set<std::string> changed_keys(const Keyspace& before);
};

// Runs the tests of `Suite` (a ScriptContract) on both servers.
#define TOCSIN_SCRIPT_CONTRACT(Suite)                                            \
  INSTANTIATE_TEST_SUITE_P(, Suite,                                              \
                           ::testing::Values(::tocsin::testing::RedisMode::standalone, \
                                             ::tocsin::testing::RedisMode::cluster),   \
                           ::testing::PrintToStringParamName())

}  // namespace tocsin::testing
