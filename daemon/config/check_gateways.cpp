#include <cmath>
#include <map>
#include <iomanip>
#include <sstream>

#include "config/checks.h"
#include "config/limits.h"
#include "config/quote.h"

namespace tocsin::config::checks {
namespace {

constexpr size_t kMaxNameLength = 32;

bool is_gateway_name(const std::string& name) {
  if (name.empty() || name.size() > kMaxNameLength) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// The gateway types, read from the schema so that a new adapter's config message shows up
// in the error without touching this file.
std::string gateway_types() {
  const auto* kind = GatewayConfig::descriptor()->FindOneofByName("kind");
  std::string list;
  for (int i = 0; kind != nullptr && i < kind->field_count(); ++i) {
    if (!list.empty()) list += ", ";
    list += kind->field(i)->name();
  }
  return list;
}

// Enough digits that 1000001 does not print as "1e+06", the same as the limit.
std::string number(double value) {
  std::ostringstream out;
  out << std::setprecision(15) << value;
  return out.str();
}

void check_name(const GatewayConfig& gateway, const std::string& field,
                std::map<std::string, size_t>* seen, size_t index, Problems* problems) {
  const std::string& name = gateway.name();
  if (name.empty()) {
    problems->emplace_back(field + ".name", "required (1 to 32 characters of a-z, 0-9, _ and -)");
    return;
  }
  if (!is_gateway_name(name)) {
    problems->emplace_back(field + ".name",
                           in_quotes(name) + " must be 1 to 32 characters of a-z, 0-9, _ and -");
    return;
  }
  auto [it, inserted] = seen->emplace(name, index);
  if (!inserted) {
    problems->emplace_back(field + ".name", "duplicate name " + in_quotes(name) + "; gateways[" +
                                                std::to_string(it->second) + "] has it too");
  }
}

void check_rate(double rate, const std::string& field, Problems* problems) {
  if (rate == 0) return;  // the default
  // NaN fails every comparison, so it is caught by the negated form.
  if (!(rate > 0 && rate <= limits::kMaxRatePerSecond) || !std::isfinite(rate)) {
    problems->emplace_back(field + ".rate_per_second", "must be greater than 0 and at most " +
                                                           number(limits::kMaxRatePerSecond) +
                                                           " (messages per second), got " +
                                                           number(rate));
  }
}

void check_channel(const std::string& channel, const std::string& field, Problems* problems) {
  if (channel.empty()) {
    problems->emplace_back(field, "required; expected sms or email");
  } else if (channel != "sms" && channel != "email") {
    problems->emplace_back(field,
                           "unknown channel " + in_quotes(channel) + "; expected sms or email");
  }
}

void check_kind(const GatewayConfig& gateway, const std::string& field, Problems* problems) {
  switch (gateway.kind_case()) {
    case GatewayConfig::kConsole:
      check_channel(gateway.console().channel(), field + ".console.channel", problems);
      return;
    case GatewayConfig::kFile:
      check_channel(gateway.file().channel(), field + ".file.channel", problems);
      if (gateway.file().path().empty()) {
        problems->emplace_back(field + ".file.path", "required");
      } else if (gateway.file().path().find('\0') != std::string::npos) {
        problems->emplace_back(field + ".file.path", "must not contain a NUL byte");
      }
      return;
    case GatewayConfig::kTwilio:
    case GatewayConfig::kKannel:
    case GatewayConfig::kSmtp:
      // Their fields and secrets are checked by their adapters, which tocsind builds at
      // start and at --check-config (app/gateways.h).
      return;
    case GatewayConfig::KIND_NOT_SET:
      break;
  }
  problems->emplace_back(field, "no gateway type set; expected one of " + gateway_types());
}

}  // namespace

void gateways(const google::protobuf::RepeatedPtrField<GatewayConfig>& gateways,
              Problems* problems) {
  std::map<std::string, size_t> seen;  // name -> index of its first use
  for (int i = 0; i < gateways.size(); ++i) {
    std::string field = "gateways[" + std::to_string(i) + "]";
    const GatewayConfig& gateway = gateways.Get(i);
    check_name(gateway, field, &seen, static_cast<size_t>(i), problems);
    check_rate(gateway.rate_per_second(), field, problems);
    integer_range(gateway.max_concurrency(), limits::kMaxConcurrency, field + ".max_concurrency",
                  problems);
    check_kind(gateway, field, problems);
  }
}

}  // namespace tocsin::config::checks
