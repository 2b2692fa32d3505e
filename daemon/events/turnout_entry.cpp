#include "events/turnout_entry.h"

#include <algorithm>
#include <charconv>
#include <map>

#include "adapters/json_escape.h"
#include "redis/decode.h"
#include "members/turnout_field.h"

namespace tocsin::events {
namespace {

template <class Int>
bool to_integer(std::string_view text, Int* out) {
  if (text.empty()) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size();
}

// "\"name\":value"
void append_member(std::string* json, std::string_view name, int64_t value) {
  adapters::append_json_string(json, name);
  *json += ':';
  *json += std::to_string(value);
}

}  // namespace

const std::string* TurnoutEntry::region_members(std::string_view region) const {
  const auto found = std::lower_bound(
      by_region.begin(), by_region.end(), region,
      [](const auto& item, std::string_view wanted) { return item.first < wanted; });
  return found != by_region.end() && found->first == region ? &found->second : nullptr;
}

std::optional<StreamId> parse_stream_id(std::string_view text) {
  const size_t dash = text.find('-');
  StreamId id;
  if (dash == std::string_view::npos) {
    // Redis accepts "1763831234567" for "1763831234567-0"; so do we.
    if (!to_integer(text, &id.ms)) return std::nullopt;
    return id;
  }
  if (!to_integer(text.substr(0, dash), &id.ms) || !to_integer(text.substr(dash + 1), &id.seq)) {
    return std::nullopt;
  }
  return id;
}

std::string to_string(const StreamId& id) {
  return std::to_string(id.ms) + "-" + std::to_string(id.seq);
}

std::optional<TurnoutEntry> parse_entry(const redis::Reply& entry) {
  // Its id, and its fields and values in turn (none: deleted meanwhile).
  auto read = redis::decode<std::pair<std::string, std::vector<std::string>>>(entry);
  if (!read) return std::nullopt;
  TurnoutEntry out;
  out.id = std::move(read->first);
  const auto id = parse_stream_id(out.id);
  if (!id) return std::nullopt;
  out.stream_id = *id;
  out.at_ms = static_cast<int64_t>(id->ms);
  const std::vector<std::string>& pairs = read->second;
  out.fields.reserve(pairs.size() / 2);
  std::map<std::string, std::string> regions;
  out.fields_json = "{";
  for (size_t i = 0; i + 1 < pairs.size(); i += 2) {
    int64_t value = 0;
    const std::string& name = pairs[i];
    if (name == "#milestone") out.milestone_json = pairs[i + 1];
    if (name == "#region") out.milestone_region = pairs[i + 1];
    const auto parts = turnout::parse_field(name);
    if (!parts || !to_integer(std::string_view(pairs[i + 1]), &value)) continue;
    if (out.fields_json.size() > 1) out.fields_json += ',';
    append_member(&out.fields_json, name, value);
    std::string& members = regions[std::string(parts->region)];
    if (!members.empty()) members += ',';
    append_member(&members, name, value);
    out.fields.emplace_back(name, value);
  }
  out.fields_json += '}';
  out.by_region.assign(std::make_move_iterator(regions.begin()),
                       std::make_move_iterator(regions.end()));
  return out;
}

}  // namespace tocsin::events
