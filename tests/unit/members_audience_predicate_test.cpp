// The audience as a per-member test (members/audience_predicate.h): the postfix program
// the slice script evaluates, and the choice of the set the walk scans.

#include <gtest/gtest.h>

#include "members/audience.h"
#include "members/audience_predicate.h"

namespace tocsin::members {
namespace {

AudienceExpr parse_ok(std::string_view text) {
  auto expr = parse_audience(text);
  EXPECT_TRUE(expr) << text;
  return expr ? *expr : AudienceExpr{};
}

using Program = std::vector<std::string>;

TEST(MembersAudiencePredicate, CompilesToPostfixOverTermNumbers) {
  EXPECT_EQ(compile_predicate(parse_ok("all")), (Program{"*"}));
  EXPECT_EQ(compile_predicate(parse_ok("region:estrie")), (Program{"t1"}));
  EXPECT_EQ(compile_predicate(parse_ok("region:estrie AND (sector:sante OR tag:mob) AND NOT "
                                       "region:estrie")),
            (Program{"t1", "t2", "t3", "|2", "t1", "!", "&3"}));
  EXPECT_EQ(compile_predicate(parse_ok("NOT (tag:a OR all)")), (Program{"t1", "*", "|2", "!"}));
}

TEST(MembersAudiencePredicate, OnlyTopLevelConjunctTermsCanDrive) {
  EXPECT_EQ(conjunct_terms(parse_ok("region:estrie")), (std::vector<size_t>{0}));
  EXPECT_EQ(conjunct_terms(parse_ok("tag:a AND (tag:b OR tag:c) AND tag:d AND NOT tag:e")),
            (std::vector<size_t>{0, 3}));
  EXPECT_TRUE(conjunct_terms(parse_ok("all")).empty());
  EXPECT_TRUE(conjunct_terms(parse_ok("tag:a OR tag:b")).empty());
  EXPECT_TRUE(conjunct_terms(parse_ok("NOT tag:a")).empty());
  EXPECT_TRUE(conjunct_terms(parse_ok("NOT tag:a AND (tag:b OR tag:c)")).empty());
}

TEST(MembersAudiencePredicate, TheSmallestCandidateDrivesElseEveryone) {
  EXPECT_EQ(choose_driver({0, 3}, {500, 20}), std::optional<size_t>(3));
  EXPECT_EQ(choose_driver({0, 3}, {0, 20}), std::optional<size_t>(0));  // an empty index: done
  EXPECT_EQ(choose_driver({}, {}), std::nullopt);
  EXPECT_EQ(choose_driver({1}, {}), std::nullopt);  // sizes missing: scan everyone
}

TEST(MembersAudiencePredicate, SelectsThePageMembersTheProgramChooses) {
  // Members 0..3; term 1 holds 0 and 1, term 2 holds 1 and 2.
  const std::vector<std::vector<int64_t>> member_of{{1, 1, 0, 0}, {0, 1, 1, 0}};
  const auto select = [&](const char* text) {
    return select_members(compile_predicate(parse_ok(text)), member_of, 4);
  };
  EXPECT_EQ(select("tag:a AND tag:b"), (std::vector<size_t>{1}));
  EXPECT_EQ(select("tag:a OR tag:b"), (std::vector<size_t>{0, 1, 2}));
  EXPECT_EQ(select("tag:a AND NOT tag:b"), (std::vector<size_t>{0}));
  EXPECT_EQ(select("NOT (tag:a OR tag:b)"), (std::vector<size_t>{3}));
  EXPECT_EQ(select_members({"*"}, {}, 3), (std::vector<size_t>{0, 1, 2}));
}

TEST(MembersAudiencePredicate, AnIllFormedProgramOrAShortAnswerSelectsNoOne) {
  const std::vector<std::vector<int64_t>> member_of{{1, 1}};
  EXPECT_TRUE(select_members({"t2"}, member_of, 2).empty());        // no such term
  EXPECT_TRUE(select_members({"t1", "t1"}, member_of, 2).empty());  // two values left
  EXPECT_TRUE(select_members({"&2"}, member_of, 2).empty());        // nothing to combine
  EXPECT_TRUE(select_members({"!"}, member_of, 2).empty());
  EXPECT_TRUE(select_members({"t1x"}, member_of, 2).empty());
  EXPECT_TRUE(select_members({"t1"}, member_of, 3).empty());  // an answer short of the page
  EXPECT_TRUE(select_members({}, member_of, 2).empty());
}

}  // namespace
}  // namespace tocsin::members
