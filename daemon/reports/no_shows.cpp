#include "reports/no_shows.h"

#include "turnout/reach_count.h"
#include "turnout/rsvp_record.h"

namespace tocsin::reports {
namespace {

const std::string* find(const Stored& stored, const std::string& member) {
  const auto it = stored.find(member);
  return it == stored.end() ? nullptr : &it->second;
}

}  // namespace

std::string_view present_how(std::string_view stored) {
  const size_t first = stored.find('\x1f');
  if (first == std::string_view::npos) return {};
  const size_t second = stored.find('\x1f', first + 1);
  const std::string_view how = stored.substr(first + 1, second == std::string_view::npos
                                                            ? std::string_view::npos
                                                            : second - first - 1);
  return how == "scan" || how == "manual" || how == "self" ? how : std::string_view{};
}

turnout::RawFields no_show_fields(const std::vector<std::pair<std::string, std::string>>& rsvps,
                                  const Stored& present) {
  turnout::RawFields fields;
  for (const auto& [member, encoded] : rsvps) {
    if (present.contains(member)) continue;
    const auto record = replies::decode(encoded);
    if (!record || record->answer != "yes") continue;
    const turnout::Place place{record->region, record->sector, record->local, record->title};
    for (const std::string& prefix : turnout::field_prefixes(place)) ++fields[prefix + "no_show"];
  }
  return fields;
}

turnout::RawFields recount(const Stored& rsvps, const Stored& present, const Stored& dims,
                           const Stored& delivery, const std::set<std::string>& unreachable,
                           const Stored& outside) {
  turnout::RawFields fields = turnout::recount_reach(delivery, dims, unreachable);
  std::vector<std::string> values;
  values.reserve(rsvps.size());
  for (const auto& [member, encoded] : rsvps) values.push_back(encoded);
  for (const auto& [field, value] : replies::recount(values)) fields[field] += value;
  for (const auto& [member, stored] : present) {
    const std::string_view how = present_how(stored);
    const std::string* place = find(dims, member);
    if (!place) place = find(outside, member);
    if (how.empty() || !place) continue;
    const char* measure = how == "self" ? "present_self" : "present";
    for (const std::string& prefix : turnout::decode_place(*place)) {
      ++fields[prefix + measure];
    }
  }
  const std::vector<std::pair<std::string, std::string>> pairs(rsvps.begin(), rsvps.end());
  for (const auto& [field, value] : no_show_fields(pairs, present)) fields[field] += value;
  return fields;
}

}  // namespace tocsin::reports
