#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <string>

#include "config/config.h"
#include "config/limits.h"

namespace tocsin::config {
namespace {

// Sets an integer field to its default when it is zero. Getter and setter are passed as
// member-function pointers so each field is named once below.
template <typename Message, typename Int>
void fill(Message* message, Int (Message::*get)() const, void (Message::*set)(Int),
          const limits::Range& range) {
  if ((message->*get)() == 0) (message->*set)(static_cast<Int>(range.fallback));
}

void fill_string(std::string* field, std::string_view fallback) {
  if (field->empty()) *field = std::string(fallback);
}

void http_defaults(HttpConfig* http) {
  fill_string(http->mutable_listen(), limits::kDefaultListen);
  fill(http, &HttpConfig::max_body_bytes, &HttpConfig::set_max_body_bytes, limits::kMaxBodyBytes);
  fill(http, &HttpConfig::max_header_bytes, &HttpConfig::set_max_header_bytes,
       limits::kMaxHeaderBytes);
  fill(http, &HttpConfig::request_timeout_ms, &HttpConfig::set_request_timeout_ms,
       limits::kRequestTimeoutMs);
  fill(http, &HttpConfig::idle_timeout_ms, &HttpConfig::set_idle_timeout_ms,
       limits::kIdleTimeoutMs);
  fill(http, &HttpConfig::max_connections, &HttpConfig::set_max_connections,
       limits::kMaxConnections);
  fill(http, &HttpConfig::max_connections_per_client, &HttpConfig::set_max_connections_per_client,
       limits::kMaxConnectionsPerClient);
  // A head is part of a request: a config that shortens request_timeout_ms (set before
  // this field existed) keeps working, with its head due as soon as its request.
  if (http->header_timeout_ms() == 0) {
    const int64_t request = http->request_timeout_ms();
    const int64_t fallback = limits::kHeaderTimeoutMs.fallback;
    http->set_header_timeout_ms(static_cast<int32_t>(
        request >= limits::kHeaderTimeoutMs.min ? std::min(fallback, request) : fallback));
  }
  fill(http, &HttpConfig::sse_heartbeat_ms, &HttpConfig::set_sse_heartbeat_ms,
       limits::kSseHeartbeatMs);
  // The listen string already carries IPv6 brackets, so it is a valid URL authority as is.
  if (http->public_url().empty()) http->set_public_url("http://" + http->listen());
}

void redis_defaults(RedisConfig* redis) {
  fill(redis, &RedisConfig::connect_timeout_ms, &RedisConfig::set_connect_timeout_ms,
       limits::kConnectTimeoutMs);
  fill(redis, &RedisConfig::health_check_interval_ms, &RedisConfig::set_health_check_interval_ms,
       limits::kHealthCheckIntervalMs);
  fill(redis, &RedisConfig::command_timeout_ms, &RedisConfig::set_command_timeout_ms,
       limits::kCommandTimeoutMs);
  fill(redis, &RedisConfig::reconnect_min_delay_ms, &RedisConfig::set_reconnect_min_delay_ms,
       limits::kReconnectMinDelayMs);
  fill(redis, &RedisConfig::reconnect_max_delay_ms, &RedisConfig::set_reconnect_max_delay_ms,
       limits::kReconnectMaxDelayMs);
  fill(redis, &RedisConfig::wait_timeout_ms, &RedisConfig::set_wait_timeout_ms,
       limits::kWaitTimeoutMs);
  // With replicas a failover could lose, a send waits for one of them.
  if ((redis->has_sentinel() || redis->has_cluster()) && redis->wait_replicas() == 0) {
    redis->set_wait_replicas(1);
  }
}

// With no gateway configured, messages are printed on standard output: a development
// machine or a dry run never sends a real SMS by accident, and never loses one either.
void add_console_gateways(Config& config) {
  for (const char* channel : {"sms", "email"}) {
    GatewayConfig* gateway = config.add_gateways();
    gateway->set_name(std::string("console-") + channel);
    gateway->set_rate_per_second(limits::kDefaultConsoleRatePerSecond);
    gateway->mutable_console()->set_channel(channel);
  }
}

void alerts_defaults(AlertsConfig* alerts) {
  fill(alerts, &AlertsConfig::approval_threshold, &AlertsConfig::set_approval_threshold,
       limits::kApprovalThreshold);
  if (alerts->sms_cents_per_segment() == 0) {
    alerts->set_sms_cents_per_segment(limits::kDefaultSmsCentsPerSegment);
  }
  if (alerts->email_cents() == 0) alerts->set_email_cents(limits::kDefaultEmailCents);
}

// The host name, as a consumer name: characters outside [A-Za-z0-9._-] become '-'.
std::string host_consumer_name() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') return "tocsind";
  std::string name(host);
  if (name.size() > 64) name.resize(64);
  for (char& c : name) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
    if (!ok) c = '-';
  }
  return name;
}

void dispatch_defaults(DispatchConfig* dispatch) {
  if (dispatch->consumer_name().empty()) dispatch->set_consumer_name(host_consumer_name());
  fill(dispatch, &DispatchConfig::job_size, &DispatchConfig::set_job_size, limits::kJobSize);
  fill(dispatch, &DispatchConfig::max_in_flight, &DispatchConfig::set_max_in_flight,
       limits::kMaxInFlight);
  fill(dispatch, &DispatchConfig::claim_idle_ms, &DispatchConfig::set_claim_idle_ms,
       limits::kClaimIdleMs);
  fill(dispatch, &DispatchConfig::freeze_slice, &DispatchConfig::set_freeze_slice,
       limits::kFreezeSlice);
  fill(dispatch, &DispatchConfig::queue_slice, &DispatchConfig::set_queue_slice,
       limits::kQueueSlice);
}

}  // namespace

void apply_defaults(Config& config) {
  http_defaults(config.mutable_http());
  redis_defaults(config.mutable_redis());
  fill_string(config.mutable_logging()->mutable_level(), limits::kDefaultLogLevel);
  fill_string(config.mutable_logging()->mutable_output(), limits::kDefaultLogOutput);
  fill(config.mutable_lifecycle(), &LifecycleConfig::shutdown_grace_ms,
       &LifecycleConfig::set_shutdown_grace_ms, limits::kShutdownGraceMs);
  // auth.token_ttl_days: zero means "never expires", which is its default already.
  fill(config.mutable_auth(), &AuthConfig::session_idle_minutes,
       &AuthConfig::set_session_idle_minutes, limits::kSessionIdleMinutes);
  fill(config.mutable_auth(), &AuthConfig::session_absolute_hours,
       &AuthConfig::set_session_absolute_hours, limits::kSessionAbsoluteHours);
  if (config.gateways().empty()) add_console_gateways(config);
  for (GatewayConfig& gateway : *config.mutable_gateways()) {
    if (gateway.rate_per_second() == 0) {
      gateway.set_rate_per_second(limits::kDefaultRatePerSecond);
    }
    fill(&gateway, &GatewayConfig::max_concurrency, &GatewayConfig::set_max_concurrency,
         limits::kMaxConcurrency);
  }
  fill_string(config.mutable_time_zone(), limits::kDefaultTimeZone);
  alerts_defaults(config.mutable_alerts());
  dispatch_defaults(config.mutable_dispatch());
  fill_string(config.mutable_spool()->mutable_directory(), limits::kDefaultSpoolDirectory);
  fill(config.mutable_spool(), &SpoolConfig::max_megabytes, &SpoolConfig::set_max_megabytes,
       limits::kSpoolMaxMegabytes);
}

}  // namespace tocsin::config
