#include "reports/participation.h"

#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <limits>

#include "members/turnout_field.h"

namespace tocsin::reports {
namespace {

int64_t get(const Measures& measures, std::string_view measure) {
  const auto it = measures.find(measure);
  return it == measures.end() ? 0 : it->second;
}

int32_t clamp32(int64_t value) {
  return static_cast<int32_t>(std::clamp<int64_t>(value, 0, std::numeric_limits<int32_t>::max()));
}

double rate(int64_t part, int64_t whole) {
  return whole > 0 ? static_cast<double>(part) / static_cast<double>(whole) : 0.0;
}

void add(Measures& into, const Measures& from) {
  for (const auto& [measure, value] : from) into[measure] += value;
}

// The breakdowns of a report: the dimension (as breakdown() takes it) and its list.
struct Dimension {
  std::string_view name;  // "sector"
  google::protobuf::RepeatedPtrField<ParticipationGroup>* (ParticipationReport::*groups)();
};
constexpr Dimension kDimensions[] = {
    {"region", &ParticipationReport::mutable_regions},
    {"sector", &ParticipationReport::mutable_sectors},
    {"local", &ParticipationReport::mutable_locals},
    {"title", &ParticipationReport::mutable_job_titles},
};

}  // namespace

ParticipationCounts counts_of(const Measures& m) {
  ParticipationCounts counts;
  const int64_t targeted = get(m, "targeted");
  const int64_t reached = get(m, "sent") + get(m, "delivered");
  const int64_t yes = get(m, "yes");
  const int64_t answered = yes + get(m, "no") + get(m, "maybe");
  const int64_t present = get(m, "present");
  const int64_t no_show = get(m, "no_show");
  counts.set_targeted(clamp32(targeted));
  counts.set_reached(clamp32(reached));
  counts.set_answered(clamp32(answered));
  counts.set_yes(clamp32(yes));
  counts.set_no(clamp32(get(m, "no")));
  counts.set_maybe(clamp32(get(m, "maybe")));
  counts.set_present(clamp32(present));
  counts.set_present_self(clamp32(get(m, "present_self")));
  counts.set_no_show(clamp32(no_show));
  counts.set_reach_rate(rate(reached, targeted));
  counts.set_answer_rate(rate(answered, targeted));
  counts.set_yes_rate(rate(yes, targeted));
  counts.set_present_rate(rate(present, targeted));
  counts.set_no_show_rate(rate(no_show, yes));
  return counts;
}

std::vector<Group> merge_small(const std::map<std::string, Measures>& groups, int min_group) {
  std::vector<Group> shown;
  Group merged{"*", {}, 0};
  for (const auto& [key, measures] : groups) {
    if (get(measures, "targeted") < min_group) {
      add(merged.measures, measures);
      ++merged.merged;
    } else {
      shown.push_back({key, measures, 0});
    }
  }
  if (merged.merged > 0) {
    // The merged group too small: the smallest shown groups join it (ties by key, so the
    // same counts always give the same report).
    std::sort(shown.begin(), shown.end(), [](const Group& a, const Group& b) {
      const int64_t ta = get(a.measures, "targeted"), tb = get(b.measures, "targeted");
      return ta != tb ? ta > tb : a.key > b.key;
    });
    while (get(merged.measures, "targeted") < min_group && !shown.empty()) {
      add(merged.measures, shown.back().measures);
      ++merged.merged;
      shown.pop_back();
    }
  }
  std::sort(shown.begin(), shown.end(),
            [](const Group& a, const Group& b) { return a.key < b.key; });
  if (merged.merged > 0) shown.push_back(std::move(merged));
  return shown;
}

std::map<std::string, Measures> breakdown(const turnout::RawFields& scoped,
                                          std::string_view dimension) {
  std::map<std::string, Measures> groups;
  Measures total, listed;
  for (const auto& [field, value] : scoped) {
    const auto name = turnout::parse_field(field);
    if (!name || value == 0) continue;
    const std::string measure(name->measure);
    if (name->dimension == "all") {
      total[measure] += value;
      if (dimension == "region") groups[std::string(name->region)][measure] += value;
      continue;
    }
    const size_t colon = name->dimension.find(':');
    if (colon == std::string_view::npos || name->dimension.substr(0, colon) != dimension) continue;
    groups[std::string(name->dimension.substr(colon + 1))][measure] += value;
    listed[measure] += value;
  }
  if (dimension != "region") {
    // What the total holds beyond the groups: the members with no value for it.
    Measures none;
    for (const auto& [measure, value] : total) {
      const int64_t rest = value - get(listed, measure);
      if (rest != 0) none[measure] = rest;
    }
    if (!none.empty()) add(groups[std::string(turnout::kNoRegion)], none);
  }
  return groups;
}

ParticipationReport build_report(const Alert& alert, std::string_view state,
                                 const turnout::RawFields& raw, const turnout::Labels& labels,
                                 const turnout::Scope& scope, int min_group) {
  ParticipationReport report;
  TurnoutAlert* about = report.mutable_alert();
  about->set_id(alert.id());
  about->set_code(alert.code());
  about->set_title(alert.title());
  about->set_state(std::string(state));
  about->set_event_time(alert.event_time());
  about->set_expires_at(alert.expires_at());
  about->set_place(alert.place());
  report.set_min_group(min_group);
  for (const std::string& region : scope.regions()) report.add_scope_regions(region);

  const turnout::RawFields scoped = turnout::scoped_fields(raw, scope);
  Measures total;
  for (const auto& [field, value] : scoped) {
    const auto name = turnout::parse_field(field);
    if (name && name->dimension == "all") total[std::string(name->measure)] += value;
  }
  if (get(total, "targeted") < min_group) {
    report.set_suppressed(true);
    report.mutable_total()->set_targeted(clamp32(get(total, "targeted")));
    return report;
  }
  *report.mutable_total() = counts_of(total);
  for (const Dimension& dimension : kDimensions) {
    for (Group& group : merge_small(breakdown(scoped, dimension.name), min_group)) {
      ParticipationGroup* out = (report.*dimension.groups)()->Add();
      out->set_dimension(std::string(dimension.name));
      out->set_key(group.key);
      if (group.key != "*" && group.key != turnout::kNoRegion) {
        const auto label = labels.find(std::string(dimension.name) + ":" + group.key);
        out->set_name(label != labels.end() && !label->second.empty() ? label->second : group.key);
      }
      *out->mutable_counts() = counts_of(group.measures);
      out->set_merged_groups(group.merged);
    }
  }
  return report;
}

std::string group_label(const ParticipationGroup& group, int min_group) {
  if (group.key() == "*") {
    return "other: " + std::to_string(group.merged_groups()) + " groups under " +
           std::to_string(min_group) + " members";
  }
  if (group.key() == turnout::kNoRegion) return "none";
  return group.name();
}

std::string to_json(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  options.preserve_proto_field_names = true;
  std::string out;
  if (!google::protobuf::util::MessageToJsonString(message, &out, options).ok()) {
    return R"({"error":"internal error: the report could not be encoded"})";
  }
  return out;
}

}  // namespace tocsin::reports
