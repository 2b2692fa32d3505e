#pragma once
// The console and file gateways: the outbox of development, demos, dry runs and the
// engine's tests. Each message becomes one JSON line (a LocalWrite) on standard output or
// appended to a file. The recipient's address is in the line by design, since the line
// is the message; nothing here logs it.

#include <memory>
#include <string>

#include "adapters/gateway.h"
#include "adapters/registry.h"

namespace tocsin::adapters {

class ConsoleGateway final : public Gateway {
 public:
  // type is "console" (path "-") or "file".
  ConsoleGateway(std::string type, std::string name, std::string channel, double rate_per_second,
                 std::string path);

  std::string_view type() const override { return type_; }
  const std::string& path() const { return path_; }

  // A LocalWrite of one compact JSON object: channel, to, alert, member, language,
  // segments, text, then subject and html for an email, then key (the idempotency key)
  // and gateway (this gateway's name).
  GatewayRequest build(const OutgoingMessage& message) const override;

  // Accepted with message id "<type>-<idempotency key>" when the write succeeded;
  // temporary otherwise (a full disk or a closed pipe may recover).
  dispatch::SendResult classify(const OutgoingMessage& message,
                                const GatewayResponse& response) const override;

 private:
  std::string type_;
  std::string path_;
};

// Registers the console (GatewayConfig.console) and file (GatewayConfig.file) types.
void register_console_gateways(GatewayRegistry& registry);

}  // namespace tocsin::adapters
