#include "adapters/registry.h"

#include <algorithm>
#include <stdexcept>

#include "adapters/console/console_gateway.h"
#include "adapters/kannel/kannel_gateway.h"
#include "adapters/smtp/smtp_gateway.h"
#include "adapters/twilio/twilio_gateway.h"
#include "config/config.h"

namespace tocsin::adapters {
namespace {

// The oneof field's name for a kind the registry does not know, read from the schema (the
// KindCase values are the field numbers).
std::string schema_name(config::GatewayConfig::KindCase kind) {
  const auto* field = config::GatewayConfig::descriptor()->FindFieldByNumber(kind);
  return field != nullptr ? field->name() : "#" + std::to_string(static_cast<int>(kind));
}

}  // namespace

void GatewayRegistry::add(config::GatewayConfig::KindCase kind, std::string type_name,
                          Factory factory) {
  if (kind == config::GatewayConfig::KIND_NOT_SET || !factory) {
    throw std::logic_error("gateway registry: a factory needs a kind and a function");
  }
  auto [it, inserted] = entries_.emplace(kind, Entry{std::move(type_name), std::move(factory)});
  if (!inserted) {
    throw std::logic_error("gateway registry: " + it->second.type_name + " is registered twice");
  }
}

bool GatewayRegistry::has(config::GatewayConfig::KindCase kind) const {
  return entries_.count(kind) != 0;
}

std::string GatewayRegistry::type_names() const {
  std::vector<std::string> names;
  for (const auto& [kind, entry] : entries_) names.push_back(entry.type_name);
  std::sort(names.begin(), names.end());
  std::string list;
  for (const auto& name : names) {
    if (!list.empty()) list += ", ";
    list += name;
  }
  return list;
}

std::vector<std::unique_ptr<Gateway>> GatewayRegistry::build_all(const config::Config& config,
                                                                 std::vector<std::string>* errors,
                                                                 SecretReader secret) const {
  std::vector<std::unique_ptr<Gateway>> gateways;
  std::vector<std::string> found;
  FactoryContext context;
  context.public_url = config.http().public_url();
  if (secret) {
    context.secret = std::move(secret);
  } else {
    context.secret = [](const config::Secret& secret, const std::string& field) {
      return config::resolve_secret(secret, field);
    };
  }
  for (int i = 0; i < config.gateways_size(); ++i) {
    const config::GatewayConfig& entry = config.gateways(i);
    const std::string field = "gateways[" + std::to_string(i) + "]";
    const auto kind = entry.kind_case();
    if (kind == config::GatewayConfig::KIND_NOT_SET) {
      found.push_back(field + ": no gateway type set; expected one of " + type_names());
      continue;
    }
    auto it = entries_.find(kind);
    if (it == entries_.end()) {
      found.push_back(field + ": gateway type " + schema_name(kind) +
                      " is not available in this build; expected one of " + type_names());
      continue;
    }
    std::string error;
    std::unique_ptr<Gateway> gateway;
    try {
      gateway = it->second.factory(entry, context, &error);
    } catch (const config::ConfigError& e) {
      // An unreadable secret: ConfigError's text is "<field>: <reason>" already.
      error = e.what();
    }
    if (gateway == nullptr) {
      if (error.empty()) error = it->second.type_name + ": the adapter refused this entry";
      found.push_back(field + "." + error);
      continue;
    }
    gateways.push_back(std::move(gateway));
  }
  if (!found.empty()) {
    gateways.clear();
    if (errors != nullptr) errors->insert(errors->end(), found.begin(), found.end());
  }
  return gateways;
}

// Explicit, in one place: what a build of tocsind can send through is read here, not
// discovered from static initialisers.
void register_builtin_gateways(GatewayRegistry& registry) {
  register_console_gateways(registry);
  register_twilio_gateway(registry);
  register_kannel_gateway(registry);
  register_smtp_gateway(registry);
}

}  // namespace tocsin::adapters
