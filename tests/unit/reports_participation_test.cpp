#include "reports/participation.h"

#include <gtest/gtest.h>

#include <initializer_list>

#include "turnout/reach_count.h"
#include "turnout/turnout_scope.h"

namespace tocsin::reports {
namespace {

using turnout::Place;
using turnout::RawFields;

// One member counted in each measure given, where `place` puts them.
void add_member(RawFields& raw, const Place& place, std::initializer_list<const char*> measures) {
  for (const std::string& prefix : turnout::field_prefixes(place)) {
    for (const char* measure : measures) ++raw[prefix + measure];
  }
}

Alert assembly() {
  Alert alert;
  alert.set_id("a1");
  alert.set_code("A7");
  alert.set_title("Assemblée");
  return alert;
}

const ParticipationGroup* find(const google::protobuf::RepeatedPtrField<ParticipationGroup>& list,
                               const std::string& key) {
  for (const ParticipationGroup& group : list) {
    if (group.key() == key) return &group;
  }
  return nullptr;
}

Measures targeted(int64_t n) { return {{"targeted", n}}; }

TEST(ReportsParticipation, CountsAndRatesFromMeasures) {
  const ParticipationCounts c = counts_of({{"targeted", 10},
                                           {"sent", 6},
                                           {"delivered", 2},
                                           {"failed", 2},
                                           {"yes", 4},
                                           {"no", 1},
                                           {"maybe", 1},
                                           {"unknown", 3},
                                           {"present", 3},
                                           {"present_self", 1},
                                           {"no_show", 1}});
  EXPECT_EQ(c.targeted(), 10);
  EXPECT_EQ(c.reached(), 8);   // sent + delivered
  EXPECT_EQ(c.answered(), 6);  // unclear replies are not answers
  EXPECT_EQ(c.present(), 3);
  EXPECT_EQ(c.present_self(), 1);
  EXPECT_EQ(c.no_show(), 1);
  EXPECT_DOUBLE_EQ(c.reach_rate(), 0.8);
  EXPECT_DOUBLE_EQ(c.answer_rate(), 0.6);
  EXPECT_DOUBLE_EQ(c.yes_rate(), 0.4);
  EXPECT_DOUBLE_EQ(c.present_rate(), 0.3);
  EXPECT_DOUBLE_EQ(c.no_show_rate(), 0.25);  // of the yes
  EXPECT_DOUBLE_EQ(counts_of({}).present_rate(), 0.0);
}

TEST(ReportsParticipation, GroupsUnderMinGroupAreMergedTogether) {
  const auto groups = merge_small({{"a", targeted(10)}, {"b", targeted(3)}, {"c", targeted(4)}}, 5);
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].key, "a");
  EXPECT_EQ(groups[1].key, "*");
  EXPECT_EQ(groups[1].merged, 2);
  EXPECT_EQ(groups[1].measures.at("targeted"), 7);
}

TEST(ReportsParticipation, AMergedGroupTooSmallTakesTheSmallestShownGroup) {
  // Alone, c's 2 members would be the total minus a and b: b joins it.
  const auto groups = merge_small({{"a", targeted(10)}, {"b", targeted(6)}, {"c", targeted(2)}}, 5);
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].key, "a");
  EXPECT_EQ(groups[1].key, "*");
  EXPECT_EQ(groups[1].merged, 2);
  EXPECT_EQ(groups[1].measures.at("targeted"), 8);
}

TEST(ReportsParticipation, NoGroupIsMergedWhenAllAreLargeEnough) {
  const auto groups = merge_small({{"a", targeted(5)}, {"b", targeted(6)}}, 5);
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].key, "a");
  EXPECT_EQ(groups[1].key, "b");
  EXPECT_EQ(groups[0].merged + groups[1].merged, 0);
}

TEST(ReportsParticipation, MembersWithoutAValueAreAGroupOfTheirOwn) {
  RawFields raw;
  for (int i = 0; i < 6; ++i) add_member(raw, {"estrie", "sante", "", ""}, {"targeted", "yes"});
  for (int i = 0; i < 7; ++i) add_member(raw, {"estrie", "", "", ""}, {"targeted"});
  const auto sectors = breakdown(raw, "sector");
  ASSERT_EQ(sectors.size(), 2u);
  EXPECT_EQ(sectors.at("sante").at("targeted"), 6);
  EXPECT_EQ(sectors.at("-").at("targeted"), 7);
  EXPECT_FALSE(sectors.at("-").contains("yes"));
}

TEST(ReportsParticipation, AJobTitleOfOneMemberNeverShowsThatMembersAnswer) {
  RawFields raw;
  for (int i = 0; i < 8; ++i) {
    add_member(raw, {"estrie", "sante", "l-301", "infirmiere"}, {"targeted", "sent", "no"});
  }
  // The one respiratory therapist said yes.
  add_member(raw, {"estrie", "sante", "l-301", "inhalotherapeute"}, {"targeted", "sent", "yes"});
  const auto report = build_report(assembly(), "sent", raw, {}, turnout::Scope::everything());
  ASSERT_FALSE(report.suppressed());
  EXPECT_EQ(find(report.job_titles(), "inhalotherapeute"), nullptr);
  const ParticipationGroup* merged = find(report.job_titles(), "*");
  ASSERT_NE(merged, nullptr);
  EXPECT_EQ(merged->merged_groups(), 2);  // the nurses joined it: no figure about 1 person
  EXPECT_EQ(merged->counts().targeted(), 9);
  EXPECT_EQ(report.job_titles_size(), 1);
  EXPECT_EQ(report.total().yes(), 1);  // the total is about 9 people
}

TEST(ReportsParticipation, GroupsAreNamedFromTheLabels) {
  RawFields raw;
  for (int i = 0; i < 5; ++i) add_member(raw, {"estrie", "sante", "l-301", ""}, {"targeted"});
  const turnout::Labels labels = {
      {"region:estrie", "Estrie"}, {"sector:sante", "Santé"}, {"local:l-301", "L-301"}};
  const auto report =
      build_report(assembly(), "sent", raw, labels, turnout::Scope::everything());
  ASSERT_EQ(report.regions_size(), 1);
  EXPECT_EQ(report.regions(0).name(), "Estrie");
  EXPECT_EQ(report.regions(0).dimension(), "region");
  EXPECT_EQ(report.sectors(0).name(), "Santé");
  EXPECT_EQ(report.locals(0).name(), "L-301");
  EXPECT_EQ(report.alert().code(), "A7");
  EXPECT_EQ(report.alert().state(), "sent");
  EXPECT_EQ(report.min_group(), kMinGroup);
}

TEST(ReportsParticipation, ACoordinatorGetsOnlyTheirRegions) {
  RawFields raw;
  for (int i = 0; i < 6; ++i) add_member(raw, {"estrie", "sante", "l-301", ""}, {"targeted", "yes"});
  for (int i = 0; i < 9; ++i) add_member(raw, {"laval", "sante", "l-900", ""}, {"targeted", "no"});
  const auto report = build_report(assembly(), "sent", raw, {},
                                   turnout::Scope::of_regions({"estrie"}));
  EXPECT_EQ(report.total().targeted(), 6);
  EXPECT_EQ(report.total().no(), 0);
  ASSERT_EQ(report.regions_size(), 1);
  EXPECT_EQ(report.regions(0).key(), "estrie");
  EXPECT_EQ(find(report.locals(), "l-900"), nullptr);
  EXPECT_EQ(report.sectors(0).counts().targeted(), 6);
  ASSERT_EQ(report.scope_regions_size(), 1);
  EXPECT_EQ(report.scope_regions(0), "estrie");
}

TEST(ReportsParticipation, AScopeOfFewerThanMinGroupMembersGivesOnlyTheNumberTargeted) {
  RawFields raw;
  for (int i = 0; i < 3; ++i) {
    add_member(raw, {"estrie", "", "", ""}, {"targeted", "sent", "yes", "present"});
  }
  const auto report = build_report(assembly(), "sent", raw, {}, turnout::Scope::everything());
  EXPECT_TRUE(report.suppressed());
  EXPECT_EQ(report.total().targeted(), 3);
  EXPECT_EQ(report.total().yes(), 0);
  EXPECT_EQ(report.total().present(), 0);
  EXPECT_EQ(report.regions_size(), 0);
}

TEST(ReportsParticipation, JsonCarriesNumbersAndZeros) {
  RawFields raw;
  for (int i = 0; i < 5; ++i) add_member(raw, {"estrie", "", "", ""}, {"targeted"});
  const std::string json =
      to_json(build_report(assembly(), "sent", raw, {}, turnout::Scope::everything()));
  EXPECT_NE(json.find("\"targeted\":5"), std::string::npos) << json;
  EXPECT_NE(json.find("\"no_show\":0"), std::string::npos) << json;
}

}  // namespace
}  // namespace tocsin::reports
