#include "reports/locals_report.h"

#include <map>
#include <set>

#include "members/turnout_field.h"

namespace tocsin::reports {
namespace {

int64_t get(const Measures& measures, std::string_view measure) {
  const auto it = measures.find(measure);
  return it == measures.end() ? 0 : it->second;
}

double rate(double part, double whole) { return whole > 0 ? part / whole : 0.0; }

// One alert's locals: those shown with their measures, and those suppressed.
struct AlertLocals {
  std::map<std::string, Measures> shown;
  std::set<std::string> suppressed;
};

AlertLocals locals_of(const turnout::RawFields& scoped, int min_group) {
  AlertLocals out;
  int64_t targeted = 0;
  for (const auto& [field, value] : scoped) {
    const auto name = turnout::parse_field(field);
    if (name && name->dimension == "all" && name->measure == "targeted") targeted += value;
  }
  const auto groups = breakdown(scoped, "local");
  for (const auto& [key, measures] : groups) {
    if (key != turnout::kNoRegion) out.suppressed.insert(key);
  }
  // Fewer members than min_group in scope: the report gives no figure at all.
  if (targeted < min_group) return out;
  for (Group& group : merge_small(groups, min_group)) {
    if (group.key == "*" || group.key == turnout::kNoRegion) continue;
    out.suppressed.erase(group.key);
    out.shown.emplace(group.key, std::move(group.measures));
  }
  return out;
}

}  // namespace

LocalsReport build_locals_report(std::string_view kind, int last,
                                 const std::vector<AlertCounts>& alerts,
                                 const turnout::Labels& labels, const turnout::Scope& scope,
                                 int min_group) {
  LocalsReport report;
  report.set_kind(std::string(kind));
  report.set_last(last);
  report.set_min_group(min_group);
  for (const std::string& region : scope.regions()) report.add_scope_regions(region);

  std::vector<AlertLocals> per_alert;
  std::set<std::string> keys;
  for (const AlertCounts& counts : alerts) {
    TurnoutAlert* about = report.add_alerts();
    about->set_id(counts.alert.id());
    about->set_code(counts.alert.code());
    about->set_title(counts.alert.title());
    about->set_state(counts.state);
    about->set_event_time(counts.alert.event_time());
    about->set_place(counts.alert.place());
    per_alert.push_back(locals_of(turnout::scoped_fields(counts.raw, scope), min_group));
    for (const auto& [key, measures] : per_alert.back().shown) keys.insert(key);
    keys.insert(per_alert.back().suppressed.begin(), per_alert.back().suppressed.end());
  }

  for (const std::string& key : keys) {
    LocalParticipation* row = report.add_locals();
    row->set_key(key);
    const auto label = labels.find("local:" + key);
    row->set_name(label != labels.end() && !label->second.empty() ? label->second : key);
    double targeted = 0, yes = 0, present = 0;
    int shown = 0;
    for (const AlertLocals& locals : per_alert) {
      LocalAlertParticipation* cell = row->add_alerts();
      if (locals.suppressed.contains(key)) {
        cell->set_suppressed(true);
        continue;
      }
      const auto it = locals.shown.find(key);
      if (it == locals.shown.end()) continue;  // not in that alert's audience
      const int64_t t = get(it->second, "targeted"), y = get(it->second, "yes"),
                    p = get(it->second, "present");
      cell->set_targeted(static_cast<int32_t>(t));
      cell->set_yes(static_cast<int32_t>(y));
      cell->set_present(static_cast<int32_t>(p));
      cell->set_yes_rate(rate(y, t));
      cell->set_present_rate(rate(p, t));
      if (t > 0) {
        targeted += t;
        yes += y;
        present += p;
        ++shown;
      }
    }
    LocalMean* mean = row->mutable_mean();
    mean->set_alerts(shown);
    if (shown > 0) {
      mean->set_targeted(targeted / shown);
      mean->set_yes(yes / shown);
      mean->set_present(present / shown);
      mean->set_yes_rate(rate(yes, targeted));
      mean->set_present_rate(rate(present, targeted));
    }
  }
  return report;
}

}  // namespace tocsin::reports
