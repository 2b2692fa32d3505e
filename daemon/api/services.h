#pragma once
// What route handlers may use. The app owns every one of these and outlives the routes.

#include <chrono>
#include <functional>
#include <string_view>

namespace tocsin {
class Clock;
}
namespace tocsin::redis {
class Client;
}
namespace tocsin::schedule {
class Scheduler;
}
namespace tocsin::auth {
class TokenStore;
class AccountStore;
class SessionStore;
}
namespace tocsin::metrics {
class Registry;
}
namespace tocsin::config {
class Config;
}
namespace tocsin::dispatch {
class SendQueue;
}
namespace tocsin::adapters {
class Gateway;
struct OutgoingMessage;
}

namespace tocsin::api {

class HookIntake;

struct Services {
  const config::Config& config;
  redis::Client& redis;
  auth::TokenStore& tokens;
  metrics::Registry& metrics;
  std::chrono::steady_clock::time_point started_at;
  // Starts sending an alert (POST /v1/alerts/{id}:send).
  dispatch::SendQueue& send_queue;
  // Members' replies and delivery receipts as their webhooks bring them: into Redis, or
  // the local spool while Redis is away.
  HookIntake& hooks;
  // The gateway (by name) whose webhook was called.
  std::function<const adapters::Gateway*(std::string_view name)> find_gateway;
  // The time of day for decisions on due times (tests move it: app/test_clock.h).
  const Clock& clock;
  // Work due at a time, in Redis: scheduled sends, escalation waves.
  schedule::Scheduler& scheduler;
  // Whether a channel's gateways send delivery receipts ("sms", "email"), for the turnout.
  std::function<bool(std::string_view channel)> channel_has_receipts;
  // People's accounts, and their sign-in codes and dashboard sessions.
  auth::AccountStore& accounts;
  auth::SessionStore& sessions;
  // Sends one message outside any alert, ahead of alert traffic (a sign-in code).
  std::function<void(adapters::OutgoingMessage)> send_direct;
  // Whether every Redis connection the daemon serves with is up (the engine's, the API's,
  // the live events'): what /readyz answers and what a request needing Redis waits for.
  std::function<bool()> redis_ready;
};

}  // namespace tocsin::api
