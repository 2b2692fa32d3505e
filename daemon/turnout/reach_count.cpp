#include "turnout/reach_count.h"

#include "members/turnout_field.h"

namespace tocsin::turnout {
namespace {

constexpr char kSeparator = '\x1f';

int rank(std::string_view measure) {
  if (measure == "delivered") return 6;
  if (measure == "sent") return 5;
  if (measure == "failed") return 4;
  if (measure == "expired") return 3;
  if (measure == "opted_out") return 2;
  if (measure == "skipped") return 1;
  return 0;
}

std::string_view measure_of(std::string_view state) {
  return state.substr(0, state.find(':'));
}

}  // namespace

std::vector<std::string> field_prefixes(const Place& place) {
  const std::string region = key_part(place.region) + "|";
  std::vector<std::string> prefixes{region + "all|"};
  const std::pair<const char*, const std::string*> dimensions[] = {
      {"sector:", &place.sector}, {"local:", &place.local}, {"title:", &place.title}};
  for (const auto& [kind, value] : dimensions) {
    if (!value->empty()) prefixes.push_back(region + kind + key_part(*value) + "|");
  }
  return prefixes;
}

std::string encode_place(const Place& place) {
  std::string text;
  for (const std::string& prefix : field_prefixes(place)) {
    if (!text.empty()) text.push_back(kSeparator);
    text += prefix;
  }
  return text;
}

std::vector<std::string> decode_place(std::string_view stored) {
  std::vector<std::string> prefixes;
  size_t start = 0;
  while (start < stored.size()) {
    size_t end = stored.find(kSeparator, start);
    if (end == std::string_view::npos) end = stored.size();
    if (end > start) prefixes.emplace_back(stored.substr(start, end - start));
    start = end + 1;
  }
  return prefixes;
}

std::string_view best_state(std::string_view a, std::string_view b) {
  const std::string_view ma = measure_of(a), mb = measure_of(b);
  if (rank(ma) == 0 && rank(mb) == 0) return {};
  return rank(ma) >= rank(mb) ? ma : mb;
}

RawFields recount_reach(const std::map<std::string, std::string>& delivery,
                        const std::map<std::string, std::string>& dims,
                        const std::set<std::string>& unreachable) {
  RawFields reach;
  auto state_of = [&](const std::string& member, const char* channel) -> std::string_view {
    const auto it = delivery.find(member + ":" + channel);
    return it == delivery.end() ? std::string_view() : std::string_view(it->second);
  };
  for (const auto& [member, place] : dims) {
    std::string_view best = best_state(state_of(member, "sms"), state_of(member, "email"));
    if (best.empty() && unreachable.count(member)) best = "skipped";
    for (const std::string& prefix : decode_place(place)) {
      ++reach[prefix + "targeted"];
      if (!best.empty()) ++reach[prefix + std::string(best)];
    }
  }
  return reach;
}

}  // namespace tocsin::turnout
