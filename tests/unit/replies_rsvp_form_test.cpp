#include "replies/rsvp_form.h"

#include <gtest/gtest.h>

#include "replies/rsvp_writer.h"

namespace tocsin::replies {
namespace {

RsvpChoice choice_of(std::string_view body) {
  auto parsed = parse_rsvp_form(body);
  EXPECT_TRUE(std::holds_alternative<RsvpChoice>(parsed)) << body;
  return std::holds_alternative<RsvpChoice>(parsed) ? std::get<RsvpChoice>(parsed) : RsvpChoice{};
}

std::string problem_of(std::string_view body) {
  auto parsed = parse_rsvp_form(body);
  return std::holds_alternative<FieldProblem>(parsed) ? std::get<FieldProblem>(parsed).field : "";
}

TEST(RsvpForm, ReadsEveryField) {
  const auto choice = choice_of("busSeats=2&pickup=P%C3%891&carSeats=3&party=4&answer=yes");
  EXPECT_EQ(choice.answer, "yes");
  EXPECT_EQ(choice.bus_seats, 2);
  EXPECT_EQ(choice.car_seats, 3);
  EXPECT_EQ(choice.party, 4);
  EXPECT_EQ(choice.pickup,
            "P\xc3\x89"
            "1");
}

TEST(RsvpForm, CountsLeftOutAreZeroAndOtherFieldsIgnored) {
  const auto choice = choice_of("answer=no&extra=1&busSeats=");
  EXPECT_EQ(choice.answer, "no");
  EXPECT_EQ(choice.bus_seats, 0);
  EXPECT_EQ(choice.car_seats, 0);
  EXPECT_EQ(choice.party, 0);
  EXPECT_EQ(choice.pickup, "");
}

TEST(RsvpForm, AnAnswerIsRequired) {
  EXPECT_EQ(problem_of(""), "answer");
  EXPECT_EQ(problem_of("busSeats=1"), "answer");
  EXPECT_EQ(problem_of("answer="), "answer");
}

TEST(RsvpForm, NamesACountThatIsNotAWholeNumber) {
  EXPECT_EQ(problem_of("answer=yes&busSeats=two"), "busSeats");
  EXPECT_EQ(problem_of("answer=yes&carSeats=1.5"), "carSeats");
  EXPECT_EQ(problem_of("answer=yes&party=%2B3"), "party");
  EXPECT_EQ(problem_of("answer=yes&party=99999999999999999999x"), "party");
  EXPECT_EQ(problem_of("answer=yes&busSeats=%00"), "body");
}

TEST(RsvpForm, HugeOrNegativeCountsAreLeftForTheBoundsCheck) {
  const auto huge = choice_of("answer=yes&party=99999999999999999999");
  EXPECT_GT(huge.party, 20);
  EXPECT_FALSE(check_choice(huge, {}) == std::nullopt);
  EXPECT_EQ(check_choice(huge, {})->field, "party");
  const auto negative = choice_of("answer=yes&busSeats=-1");
  EXPECT_EQ(check_choice(negative, {})->field, "busSeats");
}

TEST(RsvpForm, ReadsThePagesFormTokenOnItsOwn) {
  EXPECT_EQ(rsvp_form_token_of("formToken=k3J9x-_2mP&answer=yes"), "k3J9x-_2mP");
  EXPECT_EQ(rsvp_form_token_of("answer=yes"), "");
  EXPECT_EQ(rsvp_form_token_of("formToken=%00"), "");
  EXPECT_EQ(choice_of("formToken=k3J9x-_2mP&answer=maybe").answer, "maybe");
}

}  // namespace
}  // namespace tocsin::replies
