// Milestones on the event stream (events/milestones.h): an entry with "#milestone" is read
// as one, goes out as `event: milestone` to the viewers whose scope holds its region (a
// local's or sector's to all-region viewers only), and the goals sent to the script are the
// alert's targets and quorums, folded as the raw fields name them.

#include <gtest/gtest.h>

#include "events/milestones.h"
#include "events/sse_format.h"
#include "events/turnout_entry.h"
#include "proto/tocsin.pb.h"
#include "redis/reply.h"
#include "turnout/turnout_scope.h"

namespace tocsin::events {
namespace {

redis::Reply text(std::string value) {
  redis::Reply reply;
  reply.type = redis::Reply::Type::string;
  reply.str = std::move(value);
  return reply;
}

redis::Reply milestone_entry(const std::string& region) {
  redis::Reply pairs;
  pairs.type = redis::Reply::Type::array;
  pairs.elements = {text("#milestone"), text(R"({"kind":"quorum","goal":2,"count":2})"),
                    text("#region"), text(region)};
  redis::Reply entry;
  entry.type = redis::Reply::Type::array;
  entry.elements = {text("1763831299001-0"), pairs};
  return entry;
}

TEST(EventsMilestones, AnEntryIsReadAsAMilestoneWithNoFields) {
  const auto entry = parse_entry(milestone_entry("monteregie"));
  ASSERT_TRUE(entry.has_value());
  EXPECT_EQ(entry->milestone_json, R"({"kind":"quorum","goal":2,"count":2})");
  EXPECT_EQ(entry->milestone_region, "monteregie");
  EXPECT_TRUE(entry->fields.empty());
}

TEST(EventsMilestones, ARegionsMilestoneGoesToThatRegionsViewersOnly) {
  const auto entry = parse_entry(milestone_entry("monteregie"));
  std::string out;
  EXPECT_TRUE(append_milestone_event(*entry, turnout::Scope::of_regions({"monteregie"}), &out));
  EXPECT_EQ(out,
            "event: milestone\nid: 1763831299001-0\ndata: "
            R"({"kind":"quorum","goal":2,"count":2})"
            "\n\n");
  std::string other;
  EXPECT_FALSE(append_milestone_event(*entry, turnout::Scope::of_regions({"estrie"}), &other));
  EXPECT_TRUE(other.empty());
  std::string everyone;
  EXPECT_TRUE(append_milestone_event(*entry, turnout::Scope::everything(), &everyone));
}

TEST(EventsMilestones, ALocalsMilestoneGoesToAllRegionViewersOnly) {
  const auto entry = parse_entry(milestone_entry(""));
  std::string out;
  EXPECT_FALSE(append_milestone_event(*entry, turnout::Scope::of_regions({"monteregie"}), &out));
  EXPECT_TRUE(append_milestone_event(*entry, turnout::Scope::everything(), &out));
}

TEST(EventsMilestones, GoalsAreTheTargetsAndQuorumsFolded) {
  Alert alert;
  auto* region = alert.add_targets();
  region->set_dimension("region");
  region->set_value("Montérégie");
  region->set_target(30);
  region->set_quorum(20);
  auto* local = alert.add_targets();
  local->set_dimension("local");
  local->set_value("L-301");
  local->set_target(0);
  local->set_quorum(5);
  EXPECT_EQ(milestone_goals(alert),
            (std::vector<std::string>{"target", "region", "monteregie", "30", "Montérégie",
                                      "quorum", "region", "monteregie", "20", "Montérégie",
                                      "quorum", "local", "l-301", "5", "L-301"}));
  EXPECT_TRUE(milestone_goals(Alert()).empty());
}

}  // namespace
}  // namespace tocsin::events
