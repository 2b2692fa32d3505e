#include "config/config.h"

namespace tocsin::config {

ConfigError::ConfigError(std::string field, std::string reason)
    : std::runtime_error(field + ": " + reason),
      field_(std::move(field)),
      reason_(std::move(reason)) {}

}  // namespace tocsin::config
