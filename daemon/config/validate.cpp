#include "config/checks.h"
#include "config/config.h"
#include "config/limits.h"

namespace tocsin::config {
namespace {

// A head is part of its request: it cannot have longer. Checked only when both are set
// within their ranges (a value out of range is reported once, by integer_range), since the
// default follows request_timeout_ms down (defaults.cpp).
void check_header_within_request(const HttpConfig& http, checks::Problems* problems) {
  const int64_t header = http.header_timeout_ms();
  const int64_t request = limits::effective(http.request_timeout_ms(), limits::kRequestTimeoutMs);
  const auto within = [](int64_t value, const limits::Range& range) {
    return value >= range.min && value <= range.max;
  };
  if (header != 0 && within(header, limits::kHeaderTimeoutMs) &&
      within(request, limits::kRequestTimeoutMs) && header > request) {
    problems->emplace_back("http.header_timeout_ms",
                           "must be at most request_timeout_ms (" + std::to_string(request) +
                               " milliseconds), got " + std::to_string(header));
  }
}

void check_http(const HttpConfig& http, checks::Problems* problems) {
  checks::listen(http.listen(), problems);
  checks::integer_range(http.max_body_bytes(), limits::kMaxBodyBytes, "http.max_body_bytes",
                        problems);
  checks::integer_range(http.max_header_bytes(), limits::kMaxHeaderBytes, "http.max_header_bytes",
                        problems);
  checks::integer_range(http.request_timeout_ms(), limits::kRequestTimeoutMs,
                        "http.request_timeout_ms", problems);
  checks::integer_range(http.idle_timeout_ms(), limits::kIdleTimeoutMs, "http.idle_timeout_ms",
                        problems);
  checks::integer_range(http.max_connections(), limits::kMaxConnections, "http.max_connections",
                        problems);
  checks::integer_range(http.header_timeout_ms(), limits::kHeaderTimeoutMs,
                        "http.header_timeout_ms", problems);
  check_header_within_request(http, problems);
  checks::integer_range(http.max_connections_per_client(), limits::kMaxConnectionsPerClient,
                        "http.max_connections_per_client", problems);
  checks::integer_range(http.sse_heartbeat_ms(), limits::kSseHeartbeatMs, "http.sse_heartbeat_ms",
                        problems);
  checks::public_url(http, problems);
}

void check_reconnect_order(const RedisConfig& redis, checks::Problems* problems) {
  // Compare the values in effect, so that the check holds with or without defaults applied.
  int64_t min = limits::effective(redis.reconnect_min_delay_ms(), limits::kReconnectMinDelayMs);
  int64_t max = limits::effective(redis.reconnect_max_delay_ms(), limits::kReconnectMaxDelayMs);
  if (min > 0 && max > 0 && max < min) {
    problems->emplace_back("redis.reconnect_max_delay_ms",
                           "must be at least reconnect_min_delay_ms (" + std::to_string(min) +
                               " milliseconds), got " + std::to_string(max));
  }
}

// A list of "host:port" servers to ask (sentinels, cluster nodes): at least one, each with a
// port. `what` names one in the error ("a sentinel"), `usual_port` says which port it has.
void check_servers(const google::protobuf::RepeatedPtrField<std::string>& addresses,
                   const std::string& field, const std::string& what, const std::string& usual_port,
                   checks::Problems* problems) {
  if (addresses.empty()) {
    problems->emplace_back(field, "at least one \"host:port\" of " + what + " is required");
  }
  for (int i = 0; i < addresses.size(); ++i) {
    std::string error;
    const auto address = parse_listen(addresses.Get(i), &error);
    if (!address || address->port == 0) {
      problems->emplace_back(field + "[" + std::to_string(i) + "]",
                             address ? "needs a port (" + usual_port + ")" : error);
    }
  }
}

// redis.sentinel instead of redis.url: a master's name and the sentinels to ask.
void check_sentinel(const RedisConfig& redis, checks::Problems* problems) {
  const SentinelConfig& sentinel = redis.sentinel();
  if (!redis.url().empty()) {
    problems->emplace_back("redis.url",
                           "leave it out with redis.sentinel: the sentinels say where the master "
                           "is (or unset TOCSIN_REDIS_URL)");
  }
  if (sentinel.master_name().empty()) {
    problems->emplace_back("redis.sentinel.master_name",
                           "required: the name in the sentinels' \"sentinel monitor\" line");
  } else if (sentinel.master_name().find_first_of(" \t\r\n") != std::string::npos) {
    problems->emplace_back("redis.sentinel.master_name", "must not contain spaces");
  }
  check_servers(sentinel.addresses(), "redis.sentinel.addresses", "a sentinel",
                "Sentinel's is usually 26379", problems);
  if (sentinel.has_password()) {
    checks::secret(sentinel.password(), "redis.sentinel.password", problems);
  }
}

// redis.cluster instead of redis.url: some of its nodes.
void check_cluster(const RedisConfig& redis, checks::Problems* problems) {
  if (!redis.url().empty()) {
    problems->emplace_back("redis.url",
                           "leave it out with redis.cluster: the cluster's nodes say where each "
                           "key is (or unset TOCSIN_REDIS_URL)");
  }
  if (redis.has_sentinel()) {
    problems->emplace_back("redis.sentinel",
                           "leave it out with redis.cluster: a cluster fails its masters over "
                           "itself, without Sentinel");
  }
  check_servers(redis.cluster().addresses(), "redis.cluster.addresses", "a cluster node",
                "a node's is usually 6379", problems);
}

void check_redis(const RedisConfig& redis, checks::Problems* problems) {
  if (redis.has_cluster()) {
    check_cluster(redis, problems);
  } else if (redis.has_sentinel()) {
    check_sentinel(redis, problems);
  } else {
    checks::redis_url(redis.url(), problems);
  }
  checks::integer_range(redis.wait_replicas(), limits::kWaitReplicas, "redis.wait_replicas",
                        problems);
  checks::integer_range(redis.wait_timeout_ms(), limits::kWaitTimeoutMs, "redis.wait_timeout_ms",
                        problems);
  if (redis.has_password()) checks::secret(redis.password(), "redis.password", problems);
  checks::integer_range(redis.connect_timeout_ms(), limits::kConnectTimeoutMs,
                        "redis.connect_timeout_ms", problems);
  checks::integer_range(redis.health_check_interval_ms(), limits::kHealthCheckIntervalMs,
                        "redis.health_check_interval_ms", problems);
  checks::integer_range(redis.command_timeout_ms(), limits::kCommandTimeoutMs,
                        "redis.command_timeout_ms", problems);
  checks::integer_range(redis.reconnect_min_delay_ms(), limits::kReconnectMinDelayMs,
                        "redis.reconnect_min_delay_ms", problems);
  checks::integer_range(redis.reconnect_max_delay_ms(), limits::kReconnectMaxDelayMs,
                        "redis.reconnect_max_delay_ms", problems);
  check_reconnect_order(redis, problems);
}

void check_cents(double cents, const std::string& field, checks::Problems* problems) {
  if (cents == 0) return;  // the default
  if (!(cents > 0 && cents <= limits::kMaxCents)) {
    problems->emplace_back(
        field, "must be greater than 0 and at most 1000 (cents), got " + std::to_string(cents));
  }
}

void check_alerts(const AlertsConfig& alerts, checks::Problems* problems) {
  checks::integer_range(alerts.approval_threshold(), limits::kApprovalThreshold,
                        "alerts.approval_threshold", problems);
  check_cents(alerts.sms_cents_per_segment(), "alerts.sms_cents_per_segment", problems);
  check_cents(alerts.email_cents(), "alerts.email_cents", problems);
  checks::quiet_hours(alerts.quiet_hours(), problems);
}

bool is_consumer_name(const std::string& name) {
  if (name.size() > 64) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

void check_dispatch(const DispatchConfig& dispatch, checks::Problems* problems) {
  if (!is_consumer_name(dispatch.consumer_name())) {
    problems->emplace_back("dispatch.consumer_name",
                           "must be 1 to 64 characters of A-Z, a-z, 0-9, '.', '_' and '-'");
  }
  checks::integer_range(dispatch.job_size(), limits::kJobSize, "dispatch.job_size", problems);
  checks::integer_range(dispatch.max_in_flight(), limits::kMaxInFlight, "dispatch.max_in_flight",
                        problems);
  checks::integer_range(dispatch.claim_idle_ms(), limits::kClaimIdleMs, "dispatch.claim_idle_ms",
                        problems);
  checks::integer_range(dispatch.freeze_slice(), limits::kFreezeSlice, "dispatch.freeze_slice",
                        problems);
  checks::integer_range(dispatch.queue_slice(), limits::kQueueSlice, "dispatch.queue_slice",
                        problems);
}

void check_spool(const SpoolConfig& spool, checks::Problems* problems) {
  if (spool.directory().find('\0') != std::string::npos) {
    problems->emplace_back("spool.directory", "must not contain a NUL byte");
  }
  checks::integer_range(spool.max_megabytes(), limits::kSpoolMaxMegabytes, "spool.max_megabytes",
                        problems);
}

// Zero stands for a default: compare the values meant, so an idle limit given alone is
// checked against the default absolute one.
void check_sessions(const AuthConfig& auth, checks::Problems* problems) {
  checks::integer_range(auth.session_idle_minutes(), limits::kSessionIdleMinutes,
                        "auth.session_idle_minutes", problems);
  checks::integer_range(auth.session_absolute_hours(), limits::kSessionAbsoluteHours,
                        "auth.session_absolute_hours", problems);
  const int64_t idle = limits::effective(auth.session_idle_minutes(), limits::kSessionIdleMinutes);
  const int64_t absolute =
      limits::effective(auth.session_absolute_hours(), limits::kSessionAbsoluteHours);
  if (idle > absolute * 60) {
    problems->emplace_back(
        "auth.session_idle_minutes",
        "must be at most auth.session_absolute_hours (" + std::to_string(absolute) +
            " hours = " + std::to_string(absolute * 60) + " minutes), got " + std::to_string(idle));
  }
}

}  // namespace

namespace checks {

void integer_range(int64_t value, const limits::Range& range, const std::string& field,
                   Problems* problems) {
  if (value == 0 || (value >= range.min && value <= range.max)) return;
  problems->emplace_back(field, "must be between " + std::to_string(range.min) + " and " +
                                    std::to_string(range.max) + " (" + std::string(range.unit) +
                                    "), got " + std::to_string(value));
}

}  // namespace checks

std::vector<ConfigError> validate(const Config& config) {
  checks::Problems problems;
  check_http(config.http(), &problems);
  check_redis(config.redis(), &problems);
  checks::logging(config.logging(), &problems);
  checks::integer_range(config.lifecycle().shutdown_grace_ms(), limits::kShutdownGraceMs,
                        "lifecycle.shutdown_grace_ms", &problems);
  checks::integer_range(config.auth().token_ttl_days(), limits::kTokenTtlDays,
                        "auth.token_ttl_days", &problems);
  check_sessions(config.auth(), &problems);
  checks::gateways(config.gateways(), &problems);
  checks::time_zone(config.time_zone(), &problems);
  check_alerts(config.alerts(), &problems);
  check_dispatch(config.dispatch(), &problems);
  check_spool(config.spool(), &problems);
  return problems;
}

}  // namespace tocsin::config
