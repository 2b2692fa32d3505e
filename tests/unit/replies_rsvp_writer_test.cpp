// The writer's bounds (check_choice); what it writes is checked end to end against a real
// daemon in tests/integration/rsvp_page_test.cpp and unknown_replies_test.cpp.
#include "replies/rsvp_writer.h"

#include <gtest/gtest.h>

#include "replies/reply_reader.h"

namespace tocsin::replies {
namespace {

const std::vector<std::string> kPoints = {"MTL", "LON"};

std::string field_of(const RsvpChoice& choice) {
  const auto problem = check_choice(choice, kPoints);
  return problem ? problem->field : "";
}

TEST(RsvpWriterCheck, AcceptsEveryAnswerAndTheBoundsThemselves) {
  EXPECT_EQ(field_of({"yes", 0, 0, 0, ""}), "");
  EXPECT_EQ(field_of({"no", 0, 0, 0, ""}), "");
  EXPECT_EQ(field_of({"maybe", 0, 0, 0, ""}), "");
  EXPECT_EQ(field_of({"yes", kMaxBusSeats, kMaxCarSeats, kMaxParty, "LON"}), "");
}

TEST(RsvpWriterCheck, RefusesAnUnknownAnswer) {
  for (const char* answer : {"", "oui", "YES", "none", "stop"}) {
    EXPECT_EQ(field_of({answer, 0, 0, 0, ""}), "answer") << answer;
  }
}

TEST(RsvpWriterCheck, NamesTheFieldOutOfBounds) {
  EXPECT_EQ(field_of({"yes", kMaxBusSeats + 1, 0, 0, ""}), "busSeats");
  EXPECT_EQ(field_of({"yes", -1, 0, 0, ""}), "busSeats");
  EXPECT_EQ(field_of({"yes", 0, kMaxCarSeats + 1, 0, ""}), "carSeats");
  EXPECT_EQ(field_of({"yes", 0, -1, 0, ""}), "carSeats");
  EXPECT_EQ(field_of({"yes", 0, 0, kMaxParty + 1, ""}), "party");
  EXPECT_EQ(field_of({"yes", 0, 0, -2, ""}), "party");
  const auto problem = check_choice({"yes", 0, 9, 0, ""}, kPoints);
  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->reason, "carSeats must be 0 to 8");
}

TEST(RsvpWriterCheck, RefusesAPickupPointTheAlertDoesNotHave) {
  EXPECT_EQ(field_of({"yes", 1, 0, 0, "QC"}), "pickup");
  EXPECT_EQ(field_of({"yes", 1, 0, 0, "mtl"}), "pickup");  // ids are exact
  EXPECT_FALSE(check_choice({"yes", 1, 0, 0, "MTL"}, kPoints));
}

}  // namespace
}  // namespace tocsin::replies
