#pragma once
// Gateways are chosen by the type of their config message (Envoy's typed extensions): each
// adapter registers a factory for its case of GatewayConfig's `kind` oneof, explicitly at
// startup (register_builtin_gateways), so adding an adapter
// never touches a string if/else and an entry of an unregistered type is a clear error.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "adapters/gateway.h"
#include "proto/config.pb.h"

namespace tocsin::adapters {

// What a factory may need besides its own entry.
struct FactoryContext {
  // The daemon's public URL (config http.public_url): webhooks are
  // public_url + "/hooks/{type}/{name}/...".
  std::string public_url;
  // Reads a secret of the entry; throws config::ConfigError(field, reason) when it cannot.
  std::function<std::string(const config::Secret&, const std::string& field)> secret;
};

// Builds one gateway from its config entry. On a problem the adapter finds in its own
// fields, returns nullptr and sets *error to "<field>: <reason>", the field relative to
// the entry (e.g. "file.path: required").
using Factory = std::function<std::unique_ptr<Gateway>(
    const config::GatewayConfig&, const FactoryContext&, std::string* error)>;

class GatewayRegistry {
 public:
  // type_name is what Gateway::type() of the built gateways returns and what errors say
  // (normally the oneof field's name). Registering a kind twice is a programming error:
  // throws std::logic_error.
  void add(config::GatewayConfig::KindCase kind, std::string type_name, Factory factory);

  bool has(config::GatewayConfig::KindCase kind) const;

  // One gateway per entry of config.gateways, in order. Every entry is tried, so
  // --check-config lists every problem; each error names its entry as "gateways[i]". When
  // any entry fails the result is empty: the daemon never runs with part of its gateways.
  // `secret` reads the entries' secrets; empty: config::resolve_secret (--check-config
  // passes one that stands in for a secret not installed yet).
  using SecretReader = decltype(FactoryContext::secret);
  std::vector<std::unique_ptr<Gateway>> build_all(const config::Config& config,
                                                  std::vector<std::string>* errors,
                                                  SecretReader secret = {}) const;

  // Registered type names, sorted, for error messages ("expected one of ...").
  std::string type_names() const;

 private:
  struct Entry {
    std::string type_name;
    Factory factory;
  };
  std::map<config::GatewayConfig::KindCase, Entry> entries_;
};

// Registers every gateway type of this build: console, file, twilio, kannel, smtp.
void register_builtin_gateways(GatewayRegistry& registry);

}  // namespace tocsin::adapters
