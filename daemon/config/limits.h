#pragma once
// The documented default and valid range of every numeric field of proto/config.proto, in
// one place so that apply_defaults() and validate() cannot disagree.

#include <cstdint>
#include <string_view>

namespace tocsin::config::limits {

struct Range {
  int64_t min;
  int64_t max;
  int64_t fallback;  // the value zero stands for
  std::string_view unit;
};

inline constexpr Range kMaxBodyBytes{1, 256 * 1024 * 1024, 1024 * 1024, "bytes"};
inline constexpr Range kMaxHeaderBytes{1024, 1024 * 1024, 16384, "bytes"};
inline constexpr Range kRequestTimeoutMs{100, 600000, 10000, "milliseconds"};
inline constexpr Range kIdleTimeoutMs{100, 3600000, 30000, "milliseconds"};
inline constexpr Range kMaxConnections{1, 100000, 1024, "connections"};
// Its default is lowered to request_timeout_ms when that is smaller (see config.proto).
inline constexpr Range kHeaderTimeoutMs{100, 600000, 5000, "milliseconds"};
inline constexpr Range kMaxConnectionsPerClient{1, 100000, 64, "connections"};
inline constexpr Range kSseHeartbeatMs{50, 600000, 15000, "milliseconds"};

inline constexpr Range kConnectTimeoutMs{10, 600000, 2000, "milliseconds"};
inline constexpr Range kHealthCheckIntervalMs{50, 600000, 1000, "milliseconds"};
inline constexpr Range kCommandTimeoutMs{10, 600000, 1500, "milliseconds"};
inline constexpr Range kReconnectMinDelayMs{1, 600000, 100, "milliseconds"};
inline constexpr Range kReconnectMaxDelayMs{1, 600000, 2000, "milliseconds"};

inline constexpr Range kWaitReplicas{0, 16, 0, "replicas"};
inline constexpr Range kWaitTimeoutMs{1, 60000, 1000, "milliseconds"};

inline constexpr Range kShutdownGraceMs{1, 600000, 10000, "milliseconds"};
// Zero is a real value here (tokens never expire), not a stand-in for a default.
inline constexpr Range kTokenTtlDays{0, 3650, 0, "days"};
inline constexpr Range kSessionIdleMinutes{5, 43200, 720, "minutes"};
inline constexpr Range kSessionAbsoluteHours{1, 8760, 168, "hours"};

inline constexpr double kDefaultRatePerSecond = 1;
// The console gateways a config without gateways gets: fast enough for a demo of 1,000
// members, slow enough to read and to try a cancel.
inline constexpr double kDefaultConsoleRatePerSecond = 20;
inline constexpr double kMaxRatePerSecond = 1000000;
inline constexpr Range kMaxConcurrency{1, 1000, 16, "requests"};

inline constexpr Range kApprovalThreshold{1, 10000000, 500, "members"};
inline constexpr double kDefaultSmsCentsPerSegment = 0.79;
inline constexpr double kDefaultEmailCents = 0.01;
inline constexpr double kMaxCents = 1000;

inline constexpr Range kJobSize{1, 1000, 50, "members"};
inline constexpr Range kMaxInFlight{1, 100000, 256, "messages"};
inline constexpr Range kClaimIdleMs{1000, 3600000, 30000, "milliseconds"};
inline constexpr Range kFreezeSlice{10, 1000, 1000, "members"};
inline constexpr Range kQueueSlice{1, 100, 5, "jobs"};

inline constexpr Range kSpoolMaxMegabytes{1, 65536, 256, "MiB"};
inline constexpr std::string_view kDefaultSpoolDirectory = "spool";

inline constexpr std::string_view kDefaultListen = "127.0.0.1:8080";
inline constexpr std::string_view kDefaultLogLevel = "info";
inline constexpr std::string_view kDefaultLogOutput = "stderr";
inline constexpr std::string_view kDefaultTimeZone = "America/Toronto";

// The value a field holding `value` stands for once defaults are applied.
constexpr int64_t effective(int64_t value, const Range& range) {
  return value == 0 ? range.fallback : value;
}

}  // namespace tocsin::config::limits
