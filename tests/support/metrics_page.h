#pragma once
// Reading one figure of the daemon's /metrics page (Prometheus text), for tests and
// benchmarks.

#include <cstdlib>
#include <optional>
#include <string>

namespace tocsin::testing {

// The value of the unlabelled figure `name` in `page`; none when the page has no such line.
inline std::optional<double> metric_in(const std::string& page, const std::string& name) {
  const size_t at = page.find("\n" + name + " ");
  if (at == std::string::npos) return std::nullopt;
  return std::strtod(page.c_str() + at + name.size() + 2, nullptr);
}

}  // namespace tocsin::testing
