#include "events/sse_format.h"

#include "adapters/json_escape.h"
#include "turnout/turnout_scope.h"

namespace tocsin::events {
namespace {

// "data: " lines: a line break inside the data starts another data line (SSE joins them
// with '\n' again), so the event can never be cut short by the data.
void append_data(std::string* out, std::string_view data) {
  for (;;) {
    const size_t newline = data.find('\n');
    *out += "data: ";
    *out += data.substr(0, newline);
    *out += '\n';
    if (newline == std::string_view::npos) break;
    data.remove_prefix(newline + 1);
  }
  *out += '\n';
}

}  // namespace

std::string snapshot_event(std::string_view id, std::string_view turnout_json) {
  std::string out = "event: snapshot\nid: ";
  out += id;
  out += '\n';
  append_data(&out, turnout_json);
  return out;
}

std::optional<std::string> change_event(const TurnoutEntry& entry, const turnout::Scope& scope) {
  std::string scoped;
  if (!scope.all_regions()) {
    // Put together from the entry's pieces by region: no field is looked at here.
    scoped = "{";
    for (const std::string& region : scope.regions()) {
      const std::string* members = entry.region_members(region);
      if (members == nullptr) continue;
      if (scoped.size() > 1) scoped += ',';
      scoped += *members;
    }
    scoped += '}';
    if (scoped == "{}") return std::nullopt;
  } else if (entry.fields.empty()) {
    return std::nullopt;
  }
  std::string out = "event: change\nid: ";
  out += entry.id;
  out += "\ndata: {\"at_ms\":";
  out += std::to_string(entry.at_ms);
  out += ",\"fields\":";
  out += scope.all_regions() ? entry.fields_json : scoped;
  out += "}\n\n";
  return out;
}

std::string state_event(std::string_view state) {
  std::string out = "event: state\ndata: {\"state\":";
  adapters::append_json_string(&out, state);
  out += "}\n\n";
  return out;
}

}  // namespace tocsin::events
