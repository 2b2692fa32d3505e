#include "adapters/console/console_gateway.h"

#include "adapters/json_escape.h"

namespace tocsin::adapters {
namespace {

// The adapter checks its own fields even though config validation does too: a registry
// may be handed a Config that was never validated (tests, --check-config of a fragment).
bool valid_channel(const std::string& channel, const std::string& field, std::string* error) {
  if (channel == "sms" || channel == "email") return true;
  *error = field + ": expected sms or email, got \"" + channel + "\"";
  return false;
}

}  // namespace

ConsoleGateway::ConsoleGateway(std::string type, std::string name, std::string channel,
                               double rate_per_second, std::string path)
    : Gateway(std::move(name), std::move(channel), rate_per_second),
      type_(std::move(type)),
      path_(std::move(path)) {}

GatewayRequest ConsoleGateway::build(const OutgoingMessage& message) const {
  std::string line;
  line.reserve(160 + message.text.size() + message.email_html.size());
  line.push_back('{');
  auto field = [&line](std::string_view key, std::string_view value) {
    if (line.size() > 1) line.push_back(',');
    append_json_string(&line, key);
    line.push_back(':');
    append_json_string(&line, value);
  };
  field("channel", message.channel);
  field("to", message.to);
  field("alert", message.alert_id);
  field("member", message.member_id);
  field("language", message.language);
  line.append(",\"segments\":");
  line.append(std::to_string(message.segments));
  field("text", message.text);
  if (message.channel == "email") {
    field("subject", message.email_subject);
    if (!message.email_html.empty()) field("html", message.email_html);
  }
  field("key", message.idempotency_key);
  field("gateway", name());
  line.push_back('}');
  return LocalWrite{path_, std::move(line)};
}

dispatch::SendResult ConsoleGateway::classify(const OutgoingMessage& message,
                                              const GatewayResponse& response) const {
  dispatch::SendResult result;
  if (response.transport_error == 0 && !response.timed_out) {
    result.outcome = dispatch::Outcome::accepted;
    result.message_id = type_ + "-" + message.idempotency_key;
    return result;
  }
  result.outcome = dispatch::Outcome::temporary;
  if (response.timed_out) {
    result.reason = "write timed out";
  } else {
    result.reason = "write failed: " + (response.transport_message.empty()
                                            ? "error " + std::to_string(response.transport_error)
                                            : response.transport_message);
  }
  return result;
}

void register_console_gateways(GatewayRegistry& registry) {
  registry.add(
      config::GatewayConfig::kConsole, "console",
      [](const config::GatewayConfig& entry, const FactoryContext&,
         std::string* error) -> std::unique_ptr<Gateway> {
        const auto& console = entry.console();
        if (!valid_channel(console.channel(), "console.channel", error)) return nullptr;
        return std::make_unique<ConsoleGateway>("console", entry.name(), console.channel(),
                                                entry.rate_per_second(), "-");
      });
  registry.add(
      config::GatewayConfig::kFile, "file",
      [](const config::GatewayConfig& entry, const FactoryContext&,
         std::string* error) -> std::unique_ptr<Gateway> {
        const auto& file = entry.file();
        if (!valid_channel(file.channel(), "file.channel", error)) return nullptr;
        // "-" is the console's; a file named so would silently go to stdout.
        if (file.path().empty() || file.path() == "-") {
          *error =
              "file.path: required (a file to append to; use the console type "
              "for standard output)";
          return nullptr;
        }
        return std::make_unique<ConsoleGateway>("file", entry.name(), file.channel(),
                                                entry.rate_per_second(), file.path());
      });
}

}  // namespace tocsin::adapters
