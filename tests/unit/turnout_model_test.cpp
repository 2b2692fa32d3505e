#include "turnout/turnout_model.h"

#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include "http/json.h"
#include "turnout/turnout_scope.h"

namespace tocsin::turnout {
namespace {

std::string counts_json(const TurnoutCounts& counts) {
  return http::to_json(counts);
}

auth::Principal coordinator_of(std::vector<std::string> regions) {
  auth::Principal who;
  who.name = "Luc";
  who.role = auth::Role::coordinator;
  who.regions = std::move(regions);
  return who;
}

auth::Principal executive() {
  auth::Principal who;
  who.name = "Marie";
  who.role = auth::Role::executive;
  return who;
}

Alert assembly() {
  Alert alert;
  alert.set_id("a1");
  alert.set_code("A7");
  alert.set_title("Assemblée");
  alert.set_place("Parc Lafontaine");
  PickupPoint* lon = alert.add_pickup_points();
  lon->set_id("LON");
  lon->set_name("Terminus Longueuil");
  lon->set_region("Montérégie");
  lon->set_bus_capacity(2);
  PickupPoint* she = alert.add_pickup_points();
  she->set_id("SHE");
  she->set_name("Carrefour de l'Estrie");
  she->set_region("Estrie");
  she->set_bus_capacity(50);
  for (auto [dimension, value, target] :
       {std::tuple{"region", "Montérégie", 10}, std::tuple{"region", "Estrie", 4},
        std::tuple{"local", "L-301", 5}, std::tuple{"local", "L-900", 3}}) {
    TurnoutTarget* t = alert.add_targets();
    t->set_dimension(dimension);
    t->set_value(value);
    t->set_target(target);
  }
  return alert;
}

// Montérégie: 5 targeted (local l-301, sector sante), 4 handled, 3 yes (6 people, 3 bus
// seats at LON, 2 car seats), 1 no, 1 unknown. Estrie: 2 targeted (local l-900), 1 yes.
RawFields fields() {
  return {{"monteregie|all|targeted", 5},
          {"monteregie|all|sent", 1},
          {"monteregie|all|delivered", 2},
          {"monteregie|all|failed", 1},
          {"monteregie|all|yes", 3},
          {"monteregie|all|no", 1},
          {"monteregie|all|unknown", 1},
          {"monteregie|all|coming", 6},
          {"monteregie|all|bus", 3},
          {"monteregie|all|car", 2},
          {"monteregie|local:l-301|targeted", 5},
          {"monteregie|local:l-301|yes", 3},
          {"monteregie|sector:sante|targeted", 5},
          {"monteregie|sector:sante|yes", 3},
          {"monteregie|title:infirmiere|yes", 2},
          {"monteregie|pickup:LON|yes", 3},
          {"monteregie|pickup:LON|coming", 6},
          {"monteregie|pickup:LON|bus", 3},
          {"estrie|all|targeted", 2},
          {"estrie|all|yes", 1},
          {"estrie|all|coming", 1},
          {"estrie|local:l-900|targeted", 2},
          {"estrie|local:l-900|yes", 1},
          {"estrie|sector:sante|targeted", 2}};
}

Labels labels() {
  return {{"region:monteregie", "Montérégie"},
          {"region:estrie", "Estrie"},
          {"sector:sante", "Santé"},
          {"local:l-301", "L-301"},
          {"local:l-900", "L-900"},
          {"title:infirmiere", "Infirmière"}};
}

TEST(TurnoutScope, ExecutiveSeesEveryRegionAndMayNarrowToAny) {
  const auto all = make_scope(executive());
  ASSERT_TRUE(all);
  EXPECT_TRUE(all->contains("estrie|all|yes"));
  EXPECT_TRUE(all->contains("-|all|yes"));
  const auto one = make_scope(executive(), "Montérégie");
  ASSERT_TRUE(one);
  EXPECT_TRUE(one->contains("monteregie|all|yes"));
  EXPECT_FALSE(one->contains("estrie|all|yes"));
}

TEST(TurnoutScope, CoordinatorSeesOnlyTheirRegionsFoldedAndIsRefusedOthers) {
  const auto who = coordinator_of({"MONTÉRÉGIE"});
  EXPECT_TRUE(in_scope("monteregie|local:l-301|yes", who));
  EXPECT_FALSE(in_scope("estrie|all|yes", who));
  EXPECT_FALSE(in_scope("-|all|targeted", who)) << "members without a region are nobody's";
  EXPECT_FALSE(in_scope("garbage", who));
  EXPECT_TRUE(make_scope(who, "monteregie"));
  EXPECT_FALSE(make_scope(who, "Estrie")) << "a region outside theirs is refused";
  EXPECT_FALSE(make_scope(who, "-"));
}

TEST(TurnoutModel, CountsFollowTheContractRules) {
  const auto turnout =
      build_turnout(assembly(), "sending", fields(), labels(), Scope::everything());
  const TurnoutCounts& total = turnout.total();
  EXPECT_EQ(total.targeted(), 7);
  EXPECT_EQ(total.sent(), 3) << "sent counts the delivered too";
  EXPECT_EQ(total.delivered(), 2);
  EXPECT_EQ(total.failed(), 1);
  EXPECT_EQ(total.pending(), 3) << "7 targeted - (1 sent + 2 delivered + 1 failed)";
  EXPECT_EQ(total.yes(), 4);
  EXPECT_EQ(total.no_answer(), 1) << "7 - (4 yes + 1 no + 1 unknown)";
  EXPECT_EQ(total.coming(), 7);
  EXPECT_EQ(total.bus_seats(), 3);
  EXPECT_EQ(total.car_seats(), 2);
  EXPECT_EQ(turnout.alert().state(), "sending");
  EXPECT_EQ(turnout.alert().code(), "A7");
  EXPECT_EQ(turnout.fields_size(), static_cast<int>(fields().size()));
}

TEST(TurnoutModel, ChannelsSayWhetherTheirGatewaysSendReceipts) {
  Alert alert = assembly();
  alert.set_channels(BOTH);
  const auto turnout = build_turnout(alert, "sent", fields(), labels(), Scope::everything(),
                                     [](std::string_view channel) { return channel == "sms"; });
  ASSERT_EQ(turnout.alert().channels_size(), 2);
  EXPECT_EQ(turnout.alert().channels(0).channel(), "sms");
  EXPECT_TRUE(turnout.alert().channels(0).receipts());
  EXPECT_EQ(turnout.alert().channels(1).channel(), "email");
  EXPECT_FALSE(turnout.alert().channels(1).receipts());
  alert.set_channels(EMAIL);
  const auto unknown = build_turnout(alert, "sent", fields(), labels(), Scope::everything());
  ASSERT_EQ(unknown.alert().channels_size(), 1);
  EXPECT_FALSE(unknown.alert().channels(0).receipts()) << "no gateway said it sends receipts";
  EXPECT_EQ(apply_changes(turnout, {{"estrie|all|yes", 9}}).alert().channels_size(), 2)
      << "a snapshot's channels stay as the changes come";
}

TEST(TurnoutModel, NegativeRemaindersFloorAtZero) {
  const auto counts = counts_of({{"targeted", 1}, {"sent", 3}, {"yes", 2}});
  EXPECT_EQ(counts.pending(), 0);
  EXPECT_EQ(counts.no_answer(), 0);
}

TEST(TurnoutModel, BreakdownsCarryKeysAndNamesSummedOverRegions) {
  const auto turnout = build_turnout(assembly(), "sent", fields(), labels(), Scope::everything());
  ASSERT_EQ(turnout.regions_size(), 2);
  EXPECT_EQ(turnout.regions(0).key(), "estrie");
  EXPECT_EQ(turnout.regions(1).name(), "Montérégie");
  EXPECT_EQ(turnout.regions(1).counts().yes(), 3);
  ASSERT_EQ(turnout.sectors_size(), 1);
  EXPECT_EQ(turnout.sectors(0).name(), "Santé");
  EXPECT_EQ(turnout.sectors(0).counts().targeted(), 7) << "both regions' members of the sector";
  ASSERT_EQ(turnout.locals_size(), 2);
  ASSERT_EQ(turnout.job_titles_size(), 1);
  EXPECT_EQ(turnout.job_titles(0).name(), "Infirmière");
}

TEST(TurnoutModel, PickupOverCapacityIsFlagged) {
  const auto turnout = build_turnout(assembly(), "sent", fields(), labels(), Scope::everything());
  ASSERT_EQ(turnout.pickups_size(), 2);
  const TurnoutPickup& lon = turnout.pickups(0);
  EXPECT_EQ(lon.id(), "LON");
  EXPECT_EQ(lon.bus_needed(), 3);
  EXPECT_EQ(lon.bus_capacity(), 2);
  EXPECT_EQ(lon.coming(), 6);
  EXPECT_TRUE(lon.over_capacity());
  EXPECT_FALSE(turnout.pickups(1).over_capacity());
}

TEST(TurnoutModel, TargetsReportYesAndShare) {
  const auto turnout = build_turnout(assembly(), "sent", fields(), labels(), Scope::everything());
  ASSERT_EQ(turnout.targets_size(), 4);
  EXPECT_EQ(turnout.targets(0).value(), "Montérégie");
  EXPECT_EQ(turnout.targets(0).reached(), 3);
  EXPECT_DOUBLE_EQ(turnout.targets(0).share(), 0.3);
  EXPECT_EQ(turnout.targets(2).reached(), 3);             // L-301
  EXPECT_DOUBLE_EQ(turnout.targets(3).share(), 1.0 / 3);  // L-900
}

TEST(TurnoutModel, CoordinatorTurnoutNamesNothingOfAnotherRegion) {
  auto raw = fields();
  raw["monteregie|bogus"] = 4;  // malformed: never shown
  const auto scope = make_scope(coordinator_of({"Montérégie"}));
  ASSERT_TRUE(scope);
  auto all_labels = labels();
  const auto turnout = build_turnout(assembly(), "sent", raw, all_labels, *scope);
  EXPECT_EQ(turnout.total().targeted(), 5);
  ASSERT_EQ(turnout.regions_size(), 1);
  EXPECT_EQ(turnout.regions(0).key(), "monteregie");
  for (const auto& [field, value] : turnout.fields()) {
    EXPECT_TRUE(field.starts_with("monteregie|")) << field;
  }
  ASSERT_EQ(turnout.pickups_size(), 1);
  EXPECT_EQ(turnout.pickups(0).id(), "LON");
  ASSERT_EQ(turnout.targets_size(), 2) << "Montérégie's and L-301's, not Estrie's nor L-900's";
  EXPECT_EQ(turnout.targets(1).value(), "L-301");
  EXPECT_EQ(turnout.sectors(0).counts().targeted(), 5) << "only their region's members";
  const std::string json = to_json(turnout);
  for (const char* other : {"estrie", "Estrie", "l-900", "L-900", "SHE"}) {
    EXPECT_EQ(json.find(other), std::string::npos) << other << " in " << json;
  }
  const auto keys = label_keys(scoped_fields(raw, *scope), *scope);
  for (const auto& key : keys) EXPECT_EQ(key.find("estrie"), std::string::npos) << key;
}

TEST(TurnoutModel, CoordinatorRegionIsListedBeforeAnyCount) {
  const auto scope = make_scope(coordinator_of({"Gaspésie"}));
  const auto turnout = build_turnout(assembly(), "sending", fields(), labels(), *scope);
  ASSERT_EQ(turnout.regions_size(), 1);
  EXPECT_EQ(turnout.regions(0).key(), "gaspesie");
  EXPECT_EQ(turnout.total().targeted(), 0);
  EXPECT_EQ(turnout.fields_size(), 0);
}

TEST(TurnoutModel, JsonUsesContractNamesAndNumbers) {
  auto turnout = build_turnout(assembly(), "sent", fields(), labels(), Scope::everything());
  turnout.set_updated_at_ms(1763831234567.0);
  const std::string json = to_json(turnout);
  for (const char* part :
       {R"("updated_at_ms":1763831234567)", R"("last_event_id":"0-0")", R"("job_titles":[)",
        R"("over_capacity":true)", R"("bus_needed":3)", R"("no_answer":1)",
        R"("monteregie|all|yes":3)", R"("opted_out":0)", R"("share":0.3)"}) {
    EXPECT_NE(json.find(part), std::string::npos) << part << " not in " << json;
  }
}

TEST(TurnoutModel, ChangesAppliedToASnapshotGiveTheTurnoutBuiltAfresh) {
  const auto scope = make_scope(coordinator_of({"Montérégie"}));
  const auto before = build_turnout(assembly(), "sent", fields(), labels(), *scope);
  // The snapshot as a client gets it: through JSON.
  TurnoutResponse snapshot;
  google::protobuf::util::JsonParseOptions options;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(to_json(before), &snapshot, options).ok());
  const RawFields changes = {{"monteregie|all|yes", 4},
                             {"monteregie|pickup:LON|bus", 0},
                             {"monteregie|local:l-302|targeted", 1}};
  auto after_fields = fields();
  for (const auto& [field, value] : changes) after_fields[field] = value;
  after_fields.erase("monteregie|pickup:LON|bus");
  const auto fresh = build_turnout(assembly(), "sent", after_fields, labels(), *scope);
  const auto applied = apply_changes(snapshot, changes);
  EXPECT_EQ(applied.total().yes(), 4);
  EXPECT_FALSE(applied.pickups(0).over_capacity());
  EXPECT_EQ(counts_json(applied.total()), counts_json(fresh.total()));
  EXPECT_EQ(applied.locals_size(), fresh.locals_size());
  EXPECT_EQ(applied.fields_size(), fresh.fields_size());
}

}  // namespace
}  // namespace tocsin::turnout
