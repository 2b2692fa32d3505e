#pragma once
// Debian's haproxy in front of several tocsind, on loopback, as the README's deployment
// "Several daemons" configures it: health checks on /readyz, a request retried on another
// daemon when its daemon died before answering, and the name of the daemon that served each
// answer in X-Served-By (for the tests).

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"

namespace tocsin::testing {

class Haproxy {
 public:
  // Listens on `port` (chosen beforehand: the daemons' public_url names it) and balances
  // over `servers` (name -> port). Returns once it answers /readyz with 200 through one of
  // them (within 10 s). Throws std::runtime_error otherwise.
  Haproxy(uint16_t port, std::map<std::string, uint16_t> servers);
  ~Haproxy();

  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // The configuration it runs, as the README gives it.
  const std::string& config() const { return config_; }

 private:
  TempDir dir_;
  uint16_t port_;
  std::string config_;
  std::unique_ptr<Subprocess> process_;
};

}  // namespace tocsin::testing
