#include "tests/support/haproxy.h"

#include <chrono>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "tests/support/http_client.h"

namespace tocsin::testing {

Haproxy::Haproxy(uint16_t port, std::map<std::string, uint16_t> servers)
    : dir_("tocsin-haproxy"), port_(port) {
  config_ =
      "global\n"
      "  maxconn 4096\n"
      "defaults\n"
      "  mode http\n"
      "  timeout connect 1s\n"
      "  timeout client 60s\n"
      "  timeout server 60s\n"
      // Event streams stay open; their heartbeats keep them under this.
      "  timeout tunnel 1h\n"
      // A request whose daemon died before answering goes to another: webhooks are
      // idempotent (provider message ids), so a retry never counts twice.
      "  option http-buffer-request\n"
      "  retries 3\n"
      "  retry-on conn-failure empty-response response-timeout 503\n"
      "  option redispatch 1\n"
      "frontend tocsin\n"
      "  bind 127.0.0.1:" +
      std::to_string(port) +
      "\n"
      "  default_backend daemons\n"
      "backend daemons\n"
      "  balance roundrobin\n"
      "  option httpchk GET /readyz\n"
      "  http-check expect status 200\n"
      "  default-server inter 200ms fall 2 rise 2\n"
      "  http-response set-header X-Served-By %s\n";
  for (const auto& [name, server_port] : servers) {
    config_ += "  server " + name + " 127.0.0.1:" + std::to_string(server_port) + " check\n";
  }
  const auto file = dir_.path() / "haproxy.cfg";
  std::ofstream(file) << config_;
  Subprocess::Options options;
  options.argv = {"haproxy", "-db", "-f", file.string()};
  process_ = std::make_unique<Subprocess>(std::move(options));
  // Polled: haproxy says nothing when its checks first pass.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (http_get(base_url() + "/readyz").status != 200) {
    if (std::chrono::steady_clock::now() > deadline || !process_->running()) {
      throw std::runtime_error("haproxy did not come up: " + process_->stderr_text());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

Haproxy::~Haproxy() = default;

}  // namespace tocsin::testing
