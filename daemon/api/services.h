#pragma once
// What route handlers may use. The app owns every one of these and outlives the routes.

#include <chrono>

namespace tocsin::redis {
class Client;
}
namespace tocsin::auth {
class TokenStore;
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

namespace tocsin::api {

struct Services {
  const config::Config& config;
  redis::Client& redis;
  auth::TokenStore& tokens;
  metrics::Registry& metrics;
  std::chrono::steady_clock::time_point started_at;
  // Starts sending an alert (POST /v1/alerts/{id}:send).
  dispatch::SendQueue& send_queue;
};

}  // namespace tocsin::api
