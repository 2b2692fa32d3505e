#include "events/sse_format.h"

#include <algorithm>
#include <vector>

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

bool append_change_event(const TurnoutEntry& entry, const turnout::Scope& scope,
                         std::string* out) {
  // The fields: the entry's JSON of every field, or its pieces for the regions in scope
  // (put together here: no field is looked at per viewer).
  std::vector<const std::string*> pieces;
  size_t fields_size = 2;
  if (scope.all_regions()) {
    if (entry.fields.empty()) return false;
    fields_size = entry.fields_json.size();
  } else {
    for (const std::string& region : scope.regions()) {
      if (const std::string* members = entry.region_members(region)) {
        pieces.push_back(members);
        fields_size += members->size() + 1;
      }
    }
    if (pieces.empty()) return false;
  }
  constexpr std::string_view kHead = "event: change\nid: ";
  constexpr std::string_view kData = "\ndata: {\"at_ms\":";
  constexpr std::string_view kFields = ",\"fields\":";
  constexpr std::string_view kEnd = "}\n\n";
  const std::string at = std::to_string(entry.at_ms);
  const size_t needed = out->size() + kHead.size() + entry.id.size() + kData.size() + at.size() +
                        kFields.size() + fields_size + kEnd.size();
  if (out->capacity() < needed) out->reserve(std::max(needed, 2 * out->capacity()));
  *out += kHead;
  *out += entry.id;
  *out += kData;
  *out += at;
  *out += kFields;
  if (scope.all_regions()) {
    *out += entry.fields_json;
  } else {
    *out += '{';
    for (size_t i = 0; i < pieces.size(); ++i) {
      if (i > 0) *out += ',';
      *out += *pieces[i];
    }
    *out += '}';
  }
  *out += kEnd;
  return true;
}

std::optional<std::string> change_event(const TurnoutEntry& entry, const turnout::Scope& scope) {
  std::string out;
  if (!append_change_event(entry, scope, &out)) return std::nullopt;
  return out;
}

std::string state_event(std::string_view state) {
  std::string out = "event: state\ndata: {\"state\":";
  adapters::append_json_string(&out, state);
  out += "}\n\n";
  return out;
}

bool append_milestone_event(const TurnoutEntry& entry, const turnout::Scope& scope,
                            std::string* out) {
  if (entry.milestone_json.empty()) return false;
  const bool visible = entry.milestone_region.empty() ? scope.all_regions()
                                                      : scope.contains_region(entry.milestone_region);
  if (!visible) return false;
  *out += "event: milestone\nid: ";
  *out += entry.id;
  *out += "\ndata: ";
  *out += entry.milestone_json;
  *out += "\n\n";
  return true;
}

}  // namespace tocsin::events
