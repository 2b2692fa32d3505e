#pragma once
// One entry of an alert's event stream, parsed once by the event hub and shared by every
// local viewer of the alert. Its fields are also kept as JSON, whole and split by region
// (the part a viewer's scope filters on), so that a viewer's change event is put together
// from ready pieces instead of being built field by field for each viewer.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tocsin::redis {
struct Reply;
}

namespace tocsin::events {

// A stream id, "<ms>-<sequence>": ids compare as (milliseconds, sequence).
struct StreamId {
  uint64_t ms = 0;
  uint64_t seq = 0;
  auto operator<=>(const StreamId&) const = default;
};

struct TurnoutEntry {
  std::string id;     // the stream id, "1763831234567-0": the SSE event id
  StreamId stream_id;  // the same, to compare
  int64_t at_ms = 0;  // the milliseconds part of the id
  // Field name -> new absolute value (0: the field went to zero), as written. Only
  // well-formed field names ("<region>|<dimension>|<measure>"): no scope holds the others.
  std::vector<std::pair<std::string, int64_t>> fields;
  // {"name": value, ...} of every field, for viewers who see all regions.
  std::string fields_json;
  // Region part -> its fields as JSON members without the braces ("\"r|all|yes\":3,...").
  std::vector<std::pair<std::string, std::string>> by_region;  // sorted by region
  // A milestone entry (milestones.h): its JSON, and the region part it belongs to ("" for
  // all-region viewers only). Empty for a turnout change.
  std::string milestone_json;
  std::string milestone_region;

  // The members of the given region, or nullptr when the entry has none.
  const std::string* region_members(std::string_view region) const;
};

// An entry of an XRANGE reply ([id, [field, value, ...]]); nullopt when malformed.
std::optional<TurnoutEntry> parse_entry(const redis::Reply& entry);

// "1763831234567-3", or "1763831234567" as Redis accepts it; nullopt when malformed.
std::optional<StreamId> parse_stream_id(std::string_view text);
std::string to_string(const StreamId& id);

}  // namespace tocsin::events
