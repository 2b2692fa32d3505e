#pragma once
// The names of an alert's live turnout counts, as Redis stores them and as the event stream
// and the dashboard carry them. Every count is keyed by region first, so that a
// coordinator's view is exactly the fields of their regions (the server filters by the
// first part; nothing of another region is ever sent), and totals are sums over regions.
//
//   "<region>|<dimension>|<measure>"
//     region     the member's region as member:{id}:idx stores it (folded); "-" for none
//     dimension  "all", "sector:<s>", "local:<l>", "title:<t>" (job title), "pickup:<id>"
//     measure    delivery, per member (alert:{id}:reach): "targeted", "sent", "delivered",
//                "failed", "opted_out", "expired", "skipped"; RSVP (alert:{id}:tally):
//                "yes", "no", "maybe", "unknown", "coming", "bus", "car"; event day
//                (alert:{id}:day): "seated", "waitlisted" (seats), "present",
//                "present_self" (members), "buses" (in "pickup:<id>" only)
//
// Values never contain '|': key_part() replaces it. Fields at zero are absent. Pure.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tocsin::turnout {

inline constexpr std::string_view kNoRegion = "-";

// The global HASH of display names: "region:<folded>", "sector:<folded>", "local:<folded>",
// "title:<folded>" -> the name as a roster first wrote it ("Montérégie").
inline constexpr std::string_view kLabels = "labels";

struct FieldName {
  std::string_view region;
  std::string_view dimension;  // "all", "local:l-301", ...
  std::string_view measure;
};

// A folded value made safe as one part of a field name: '|' becomes '/', "" becomes "-".
std::string key_part(std::string_view folded);

// "<region>|<dimension>|<measure>", with region passed through key_part().
std::string field_name(std::string_view region, std::string_view dimension,
                       std::string_view measure);

// Splits a field name; nullopt when it does not have exactly three parts.
std::optional<FieldName> parse_field(std::string_view field);

// A count as Redis stores it ("42"); 0 for a missing or unreadable one.
int64_t parse_count(std::string_view text);

}  // namespace tocsin::turnout
