#include "turnout/turnout_model.h"

#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <limits>
#include <set>

#include "alerts/fleet_fields.h"
#include "members/text_fold.h"
#include "members/turnout_field.h"

namespace tocsin::turnout {
namespace {

using Measures = std::map<std::string, int64_t, std::less<>>;

int32_t clamp32(int64_t value) {
  return static_cast<int32_t>(std::clamp<int64_t>(value, std::numeric_limits<int32_t>::min(),
                                                  std::numeric_limits<int32_t>::max()));
}

int64_t get(const Measures& measures, std::string_view measure) {
  const auto it = measures.find(measure);
  return it == measures.end() ? 0 : it->second;
}

// What the builder needs of the alert, whether it comes from the Alert itself or from a
// turnout built before (apply_changes).
struct PickupMeta {
  std::string id, name, region, region_key;
  int64_t capacity = 0;
  int64_t seats_per_bus = 0;  // seats allocated when set (with buses)
  int64_t buses = 0;          // as announced; the "buses" measure counts those added
};
struct TargetMeta {
  std::string dimension, value, key;
  int64_t target = 0;
  bool always = false;  // shown even when no field in scope names it
  int64_t quorum = 0;
};
struct Frame {
  TurnoutAlert alert;
  std::vector<PickupMeta> pickups;
  std::vector<TargetMeta> targets;
  std::set<std::string> listed_regions;  // shown even at zero
};

// "sector:sante" -> {"sector", "sante"}; the four grouped dimensions only.
bool split_dimension(std::string_view dimension, std::string_view* kind, std::string_view* key) {
  const size_t colon = dimension.find(':');
  if (colon == std::string_view::npos) return false;
  *kind = dimension.substr(0, colon);
  *key = dimension.substr(colon + 1);
  return true;
}

std::string name_of(const Labels& labels, const std::string& label_key, std::string_view key) {
  const auto it = labels.find(label_key);
  return it != labels.end() && !it->second.empty() ? it->second : std::string(key);
}

void fill_groups(const std::map<std::string, Measures>& groups, std::string_view label_kind,
                 const Labels& labels, google::protobuf::RepeatedPtrField<TurnoutGroup>* out) {
  for (const auto& [key, measures] : groups) {
    TurnoutGroup* group = out->Add();
    group->set_key(key);
    group->set_name(name_of(labels, std::string(label_kind) + ":" + key, key));
    *group->mutable_counts() = counts_of(measures);
  }
}

TurnoutResponse build(const Frame& frame, const RawFields& fields, const Labels& labels) {
  TurnoutResponse turnout;
  *turnout.mutable_alert() = frame.alert;
  turnout.set_last_event_id("0-0");

  Measures total;
  std::map<std::string, Measures> regions, sectors, locals, titles, pickups;
  for (const std::string& region : frame.listed_regions) regions[region];
  for (const auto& [field, value] : fields) {
    const auto name = parse_field(field);
    if (!name || value == 0) continue;
    (*turnout.mutable_fields())[field] = clamp32(value);
    std::string_view kind, key;
    if (name->dimension == "all") {
      total[std::string(name->measure)] += value;
      regions[std::string(name->region)][std::string(name->measure)] += value;
    } else if (split_dimension(name->dimension, &kind, &key)) {
      std::map<std::string, Measures>* groups = kind == "sector"   ? &sectors
                                                : kind == "local"  ? &locals
                                                : kind == "title"  ? &titles
                                                : kind == "pickup" ? &pickups
                                                                   : nullptr;
      if (groups) (*groups)[std::string(key)][std::string(name->measure)] += value;
    }
  }
  *turnout.mutable_total() = counts_of(total);
  fill_groups(regions, "region", labels, turnout.mutable_regions());
  fill_groups(sectors, "sector", labels, turnout.mutable_sectors());
  fill_groups(locals, "local", labels, turnout.mutable_locals());
  fill_groups(titles, "title", labels, turnout.mutable_job_titles());

  for (const PickupMeta& meta : frame.pickups) {
    const auto it = pickups.find(meta.id);
    const Measures none;
    const Measures& measures = it == pickups.end() ? none : it->second;
    TurnoutPickup* pickup = turnout.add_pickups();
    pickup->set_id(meta.id);
    pickup->set_name(meta.name);
    pickup->set_region(meta.region);
    pickup->set_bus_needed(clamp32(get(measures, "bus")));
    pickup->set_bus_capacity(clamp32(meta.capacity));
    pickup->set_coming(clamp32(get(measures, "coming")));
    pickup->set_over_capacity(meta.capacity > 0 && get(measures, "bus") > meta.capacity);
    pickup->set_seats_per_bus(clamp32(meta.seats_per_bus));
    pickup->set_buses(clamp32(std::max(meta.buses, get(measures, "buses"))));
    pickup->set_seated(clamp32(get(measures, "seated")));
    pickup->set_waitlisted(clamp32(get(measures, "waitlisted")));
    pickup->set_present(clamp32(get(measures, "present")));
  }

  for (const TargetMeta& meta : frame.targets) {
    const std::map<std::string, Measures>* groups = meta.dimension == "region"   ? &regions
                                                    : meta.dimension == "local"  ? &locals
                                                    : meta.dimension == "sector" ? &sectors
                                                                                 : nullptr;
    if (!groups) continue;
    const auto it = groups->find(meta.key);
    // A region target shows when its region is in scope (listed); a local's or a sector's
    // when the viewer's fields name it, so a coordinator never learns of another region's.
    if (it == groups->end() && !meta.always) continue;
    const int64_t reached = it == groups->end() ? 0 : get(it->second, "yes");
    const int64_t present = it == groups->end() ? 0 : get(it->second, "present");
    TurnoutTargetProgress* target = turnout.add_targets();
    target->set_dimension(meta.dimension);
    target->set_value(meta.value);
    target->set_target(clamp32(meta.target));
    target->set_reached(clamp32(reached));
    target->set_share(meta.target > 0 ? static_cast<double>(reached) / meta.target : 0.0);
    target->set_quorum(clamp32(meta.quorum));
    target->set_present(clamp32(present));
  }
  return turnout;
}

// The channels an alert's Channel names, as gateways name theirs.
std::vector<std::string_view> channel_names(Channel channels) {
  std::vector<std::string_view> names;
  if (channels == SMS || channels == BOTH) names.push_back("sms");
  if (channels == EMAIL || channels == BOTH) names.push_back("email");
  return names;
}

// Seats of a pickup point: its buses' when it has them (the buses it started with; the
// live count of buses is the "buses" measure), else the capacity it announced.
int64_t effective_capacity(const PickupPoint& point) {
  if (alerts::allocates_seats(point)) {
    return int64_t{point.buses()} * point.seats_per_bus();
  }
  return point.bus_capacity();
}

std::string folded_key(std::string_view value) {
  return key_part(members::fold(value));
}

}  // namespace

RawFields scoped_fields(const RawFields& raw, const Scope& scope) {
  RawFields scoped;
  for (const auto& [field, value] : raw) {
    if (scope.contains(field)) scoped.emplace(field, value);
  }
  return scoped;
}

std::vector<std::string> label_keys(const RawFields& scoped, const Scope& scope) {
  std::set<std::string> keys;
  for (const std::string& region : scope.regions()) keys.insert("region:" + region);
  for (const auto& [field, value] : scoped) {
    const auto name = parse_field(field);
    if (!name) continue;
    keys.insert("region:" + std::string(name->region));
    std::string_view kind, key;
    if (split_dimension(name->dimension, &kind, &key) &&
        (kind == "sector" || kind == "local" || kind == "title")) {
      keys.insert(std::string(name->dimension));
    }
  }
  return {keys.begin(), keys.end()};
}

TurnoutCounts counts_of(const std::map<std::string, int64_t, std::less<>>& m) {
  TurnoutCounts counts;
  const int64_t targeted = get(m, "targeted");
  const int64_t handled = get(m, "sent") + get(m, "delivered") + get(m, "failed") +
                          get(m, "opted_out") + get(m, "expired") + get(m, "skipped");
  const int64_t answered = get(m, "yes") + get(m, "no") + get(m, "maybe") + get(m, "unknown");
  counts.set_targeted(clamp32(targeted));
  counts.set_pending(clamp32(std::max<int64_t>(0, targeted - handled)));
  counts.set_sent(clamp32(get(m, "sent") + get(m, "delivered")));
  counts.set_delivered(clamp32(get(m, "delivered")));
  counts.set_failed(clamp32(get(m, "failed")));
  counts.set_opted_out(clamp32(get(m, "opted_out")));
  counts.set_expired(clamp32(get(m, "expired")));
  counts.set_skipped(clamp32(get(m, "skipped")));
  counts.set_yes(clamp32(get(m, "yes")));
  counts.set_no(clamp32(get(m, "no")));
  counts.set_maybe(clamp32(get(m, "maybe")));
  counts.set_unknown(clamp32(get(m, "unknown")));
  counts.set_no_answer(clamp32(std::max<int64_t>(0, targeted - answered)));
  counts.set_coming(clamp32(get(m, "coming")));
  counts.set_bus_seats(clamp32(get(m, "bus")));
  counts.set_car_seats(clamp32(get(m, "car")));
  counts.set_seated(clamp32(get(m, "seated")));
  counts.set_waitlisted(clamp32(get(m, "waitlisted")));
  counts.set_present(clamp32(get(m, "present")));
  counts.set_present_self(clamp32(get(m, "present_self")));
  return counts;
}

TurnoutResponse build_turnout(const Alert& alert, std::string_view state, const RawFields& raw,
                              const Labels& labels, const Scope& scope,
                              const ReceiptsOf& receipts) {
  Frame frame;
  frame.alert.set_id(alert.id());
  frame.alert.set_code(alert.code());
  frame.alert.set_title(alert.title());
  frame.alert.set_state(std::string(state));
  frame.alert.set_event_time(alert.event_time());
  frame.alert.set_expires_at(alert.expires_at());
  frame.alert.set_place(alert.place());
  for (const std::string_view channel : channel_names(alert.channels())) {
    TurnoutChannel* listed = frame.alert.add_channels();
    listed->set_channel(std::string(channel));
    listed->set_receipts(receipts && receipts(channel));
  }
  frame.listed_regions = scope.regions();
  for (const PickupPoint& point : alert.pickup_points()) {
    PickupMeta meta{point.id(), point.name(), point.region(), folded_key(point.region()),
                    effective_capacity(point), point.buses() > 0 ? point.seats_per_bus() : 0,
                    point.seats_per_bus() > 0 ? point.buses() : 0};
    if (scope.contains_region(meta.region_key)) frame.pickups.push_back(std::move(meta));
  }
  for (const TurnoutTarget& target : alert.targets()) {
    TargetMeta meta{target.dimension(), target.value(), folded_key(target.value()),
                    target.target(), false, target.quorum()};
    if (meta.dimension == "region") {
      if (!scope.contains_region(meta.key)) continue;
      meta.always = true;
    } else {
      meta.always = scope.all_regions();
    }
    frame.targets.push_back(std::move(meta));
  }
  return build(frame, scoped_fields(raw, scope), labels);
}

TurnoutResponse apply_changes(const TurnoutResponse& snapshot, const RawFields& changes) {
  Frame frame;
  frame.alert = snapshot.alert();
  Labels labels;
  const std::pair<const google::protobuf::RepeatedPtrField<TurnoutGroup>*, const char*> groups[] = {
      {&snapshot.regions(), "region"},
      {&snapshot.sectors(), "sector"},
      {&snapshot.locals(), "local"},
      {&snapshot.job_titles(), "title"}};
  for (const auto& [list, kind] : groups) {
    for (const TurnoutGroup& group : *list)
      labels[std::string(kind) + ":" + group.key()] = group.name();
  }
  for (const TurnoutGroup& region : snapshot.regions()) frame.listed_regions.insert(region.key());
  for (const TurnoutPickup& pickup : snapshot.pickups()) {
    frame.pickups.push_back({pickup.id(), pickup.name(), pickup.region(),
                             folded_key(pickup.region()), pickup.bus_capacity(),
                             pickup.seats_per_bus(), pickup.buses()});
  }
  for (const TurnoutTargetProgress& target : snapshot.targets()) {
    frame.targets.push_back({target.dimension(), target.value(), folded_key(target.value()),
                             target.target(), true, target.quorum()});
  }
  RawFields fields(snapshot.fields().begin(), snapshot.fields().end());
  for (const auto& [field, value] : changes) {
    if (value == 0) {
      fields.erase(field);
    } else {
      fields[field] = value;
    }
  }
  TurnoutResponse turnout = build(frame, fields, labels);
  turnout.set_updated_at_ms(snapshot.updated_at_ms());
  turnout.set_last_event_id(snapshot.last_event_id());
  return turnout;
}

std::string to_json(const TurnoutResponse& turnout) {
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  options.preserve_proto_field_names = true;
  std::string out;
  // Printing a well-formed message cannot fail; a failure would be a schema bug.
  if (!google::protobuf::util::MessageToJsonString(turnout, &out, options).ok()) {
    return R"({"error":"internal error: turnout could not be encoded"})";
  }
  return out;
}

}  // namespace tocsin::turnout
