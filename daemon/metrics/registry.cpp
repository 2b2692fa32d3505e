#include "metrics/registry.h"

#include <fmt/format.h>

namespace tocsin::metrics {

void Registry::count_http_request(std::string_view route, unsigned status) {
  ++http_requests_[{std::string(route), status}];
}

void Registry::add_callback(std::string name, std::string help, Kind kind,
                            std::function<double()> read) {
  callbacks_.push_back({std::move(name), std::move(help), kind, std::move(read)});
}

std::string Registry::render() const {
  std::string out;
  for (const auto& callback : callbacks_) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n{} {}\n", callback.name, callback.help,
                       callback.name, callback.kind == Kind::counter ? "counter" : "gauge",
                       callback.name, callback.read());
  }
  out +=
      "# HELP tocsin_http_requests_total HTTP requests answered, by route pattern and status.\n"
      "# TYPE tocsin_http_requests_total counter\n";
  for (const auto& [key, count] : http_requests_) {
    out += fmt::format("tocsin_http_requests_total{{route=\"{}\",status=\"{}\"}} {}\n",
                       escape_label(key.first), key.second, count);
  }
  return out;
}

std::string escape_label(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace tocsin::metrics
