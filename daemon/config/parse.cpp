#include <string>

#include "config/config.h"
#include "util/text_format_errors.h"

namespace tocsin::config {

Config parse_text(std::string_view text, const std::string& source_name) {
  Config config;
  if (auto problem = text_format::parse(text, &config, "the config")) {
    throw ConfigError(problem->position_in(source_name), problem->message);
  }
  return config;
}

}  // namespace tocsin::config
