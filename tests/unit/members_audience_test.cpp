// Audience expressions: parsing (precedence, French, folding, every error with its column,
// the limits), the canonical text, the terms and their index keys, and the postfix program
// the counter sends to Redis.

#include <gtest/gtest.h>

#include "members/audience.h"
#include "members/audience_program.h"

namespace tocsin::members {
namespace {

using Kind = AudienceExpr::Kind;

AudienceExpr parse_ok(std::string_view text) {
  std::string error;
  auto expr = parse_audience(text, &error);
  EXPECT_TRUE(expr.has_value()) << text << ": " << error;
  return expr.value_or(AudienceExpr{});
}

std::string parse_error(std::string_view text) {
  std::string error;
  auto expr = parse_audience(text, &error);
  EXPECT_FALSE(expr.has_value()) << text << " parsed as " << (expr ? to_string(*expr) : "");
  return error;
}

// The canonical text, to compare trees in one readable line.
std::string canonical(std::string_view text) {
  return to_string(parse_ok(text));
}

TEST(MembersAudience, All) {
  auto expr = parse_ok("all");
  EXPECT_EQ(expr.kind, Kind::all);
  EXPECT_EQ(canonical("  ALL "), "all");
  EXPECT_EQ(canonical("tous"), "all");
}

TEST(MembersAudience, Term) {
  auto expr = parse_ok("region:estrie");
  EXPECT_EQ(expr.kind, Kind::term);
  EXPECT_EQ(expr.dimension, "region");
  EXPECT_EQ(expr.value, "estrie");
  EXPECT_TRUE(expr.children.empty());
}

TEST(MembersAudience, AndBindsTighterThanOr) {
  auto expr = parse_ok("region:a OR region:b AND sector:c");
  ASSERT_EQ(expr.kind, Kind::or_);
  ASSERT_EQ(expr.children.size(), 2u);
  EXPECT_EQ(expr.children[0].value, "a");
  EXPECT_EQ(expr.children[1].kind, Kind::and_);
  EXPECT_EQ(to_string(expr), "region:a OR region:b AND sector:c");
  EXPECT_EQ(canonical("region:a AND region:b OR sector:c"), "region:a AND region:b OR sector:c");
}

TEST(MembersAudience, ParenthesesOverridePrecedence) {
  auto expr = parse_ok("(region:a OR region:b) AND sector:c");
  ASSERT_EQ(expr.kind, Kind::and_);
  EXPECT_EQ(expr.children[0].kind, Kind::or_);
  EXPECT_EQ(to_string(expr), "(region:a OR region:b) AND sector:c");
  // Redundant parentheses go away.
  EXPECT_EQ(canonical("((region:a)) AND (sector:c AND tag:d)"), "region:a AND sector:c AND tag:d");
}

TEST(MembersAudience, RunsOfTheSameOperatorAreFlat) {
  auto expr = parse_ok("tag:a OR (tag:b OR tag:c) OR tag:d");
  ASSERT_EQ(expr.kind, Kind::or_);
  EXPECT_EQ(expr.children.size(), 4u);
}

TEST(MembersAudience, Not) {
  auto expr = parse_ok("NOT local:1234");
  ASSERT_EQ(expr.kind, Kind::not_);
  ASSERT_EQ(expr.children.size(), 1u);
  EXPECT_EQ(expr.children[0].value, "1234");
  EXPECT_EQ(canonical("not local:1 and not local:2"), "NOT local:1 AND NOT local:2");
  EXPECT_EQ(canonical("NOT (local:1 OR local:2)"), "NOT (local:1 OR local:2)");
  EXPECT_EQ(canonical("NOT (local:1 AND local:2)"), "NOT (local:1 AND local:2)");
  EXPECT_EQ(canonical("NOT NOT local:1"), "NOT NOT local:1");
}

TEST(MembersAudience, TheExampleFromTheDesign) {
  auto expr = parse_ok("region:estrie AND (sector:sante OR tag:mob-unit) AND NOT local:1234");
  ASSERT_EQ(expr.kind, Kind::and_);
  ASSERT_EQ(expr.children.size(), 3u);
  EXPECT_EQ(expr.children[1].kind, Kind::or_);
  EXPECT_EQ(expr.children[2].kind, Kind::not_);
  EXPECT_EQ(to_string(expr), "region:estrie AND (sector:sante OR tag:mob-unit) AND NOT local:1234");
}

TEST(MembersAudience, KeywordsAreCaseInsensitiveAndFrench) {
  EXPECT_EQ(canonical("region:a and sector:b Or NoT tag:c"), "region:a AND sector:b OR NOT tag:c");
  EXPECT_EQ(canonical("région:estrie ET (secteur:santé OU étiquette:mob) ET NON local:1234"),
            "region:estrie AND (sector:sante OR tag:mob) AND NOT local:1234");
  EXPECT_EQ(canonical("REGION:a et Etiquette:b"), "region:a AND tag:b");
  EXPECT_EQ(canonical("Secteur:x"), "sector:x");
}

TEST(MembersAudience, ValuesAreFolded) {
  EXPECT_EQ(parse_ok("region:Montérégie").value, "monteregie");
  EXPECT_EQ(parse_ok("sector:SANTÉ").value, "sante");
  EXPECT_EQ(parse_ok("tag:Cœur").value, "coeur");
}

TEST(MembersAudience, QuotedValues) {
  EXPECT_EQ(parse_ok("region:\"Capitale-Nationale\"").value, "capitale-nationale");
  auto expr = parse_ok("local:\"CSN  1234\" AND region:\" Bas-Saint-Laurent \"");
  EXPECT_EQ(expr.children[0].value, "csn 1234");
  EXPECT_EQ(expr.children[1].value, "bas-saint-laurent");
  EXPECT_EQ(to_string(expr), "local:\"csn 1234\" AND region:bas-saint-laurent");
  EXPECT_EQ(parse_ok(R"(tag:"say \"hi\" \\ bye")").value, R"(say "hi" \ bye)");
}

TEST(MembersAudience, KeywordsAreValuesAfterAColon) {
  auto expr = parse_ok("tag:or AND tag:not");
  ASSERT_EQ(expr.kind, Kind::and_);
  EXPECT_EQ(expr.children[0].value, "or");
  EXPECT_EQ(expr.children[1].value, "not");
}

TEST(MembersAudience, NoBreakSpacesSeparateLikeSpaces) {
  EXPECT_EQ(canonical("region:a\xc2\xa0"
                      "ET\xe2\x80\xaf"
                      "sector:b"),
            "region:a AND sector:b");
}

TEST(MembersAudience, ToStringRoundTrips) {
  for (std::string_view text :
       {"all", "region:estrie", "region:a OR region:b AND NOT (tag:c OR tag:d)",
        "NOT (region:a AND sector:b) OR local:\"csn 1234\"", "(tag:a OR tag:b) AND (tag:c OR all)",
        R"(tag:"x:y" AND tag:"q\"uote")", "NOT NOT NOT tag:a", "local:12.34_x-y"}) {
    auto expr = parse_ok(text);
    std::string printed = to_string(expr);
    EXPECT_EQ(parse_ok(printed), expr) << text << " printed as " << printed;
    EXPECT_EQ(to_string(parse_ok(printed)), printed);
  }
}

TEST(MembersAudience, ErrorsNameTheColumn) {
  EXPECT_EQ(parse_error(""), "column 1: empty audience");
  EXPECT_EQ(parse_error("   "), "column 4: empty audience");
  EXPECT_EQ(parse_error("region:a AND regio:estrie"),
            "column 14: unknown dimension \"regio\"; expected region, sector, local or tag");
  EXPECT_EQ(parse_error("region:"), "column 8: expected a value after ':'");
  EXPECT_EQ(parse_error("region: estrie"), "column 8: expected a value after ':'");
  EXPECT_EQ(parse_error("region:a AND (sector:b OR tag:c"), "column 32: expected ')'");
  EXPECT_EQ(parse_error("(region:a tag:b)"), "column 11: expected ')', AND or OR, found \"tag\"");
  EXPECT_EQ(parse_error("region:\"Capitale"), "column 8: unterminated quote");
  EXPECT_EQ(parse_error("region:\"  \""), "column 8: empty value");
  EXPECT_EQ(parse_error("region:a sector:b"),
            "column 10: expected AND, OR or the end of the audience, found \"sector\"");
  EXPECT_EQ(parse_error("region:a)"), "column 9: unexpected ')'");
  EXPECT_EQ(parse_error("region:a AND"),
            "column 13: expected a term, found the end of the audience");
  EXPECT_EQ(parse_error("AND region:a"), "column 1: expected a term before \"AND\"");
  EXPECT_EQ(parse_error("region:a OR OR tag:b"), "column 13: expected a term before \"OR\"");
  EXPECT_EQ(parse_error("()"), "column 2: expected a term before ')'");
  EXPECT_EQ(parse_error("estrie"), "column 1: expected dimension:value or all, found \"estrie\"");
  EXPECT_EQ(parse_error(":estrie"), "column 1: expected a dimension before ':'");
  EXPECT_EQ(parse_error("region:a AND !tag:b"), "column 14: expected a term, found '!'");
  EXPECT_EQ(parse_error("\"estrie\""), "column 1: expected a term, found '\"'");
}

TEST(MembersAudience, ColumnsCountCharactersNotBytes) {
  EXPECT_EQ(parse_error("région:é AND étiqueté:x"),
            "column 14: unknown dimension \"étiqueté\"; expected region, sector, local or tag");
}

TEST(MembersAudience, LengthLimit) {
  std::string text = "tag:" + std::string(kMaxAudienceBytes - 4, 'a');
  EXPECT_TRUE(parse_audience(text).has_value());
  text += "a";
  EXPECT_EQ(parse_error(text), "column 1: audience longer than 2000 bytes");
}

TEST(MembersAudience, DepthLimit) {
  std::string ok =
      std::string(kMaxAudienceDepth, '(') + "tag:a" + std::string(kMaxAudienceDepth, ')');
  EXPECT_TRUE(parse_audience(ok).has_value());
  std::string deep = "(" + ok + ")";
  EXPECT_EQ(parse_error(deep), "column 33: nested deeper than 32 levels");
  std::string nots;
  for (size_t i = 0; i <= kMaxAudienceDepth; ++i) nots += "NOT ";
  EXPECT_EQ(parse_error(nots + "tag:a"), "column 129: nested deeper than 32 levels");
  // Far deeper input fails the same way instead of exhausting the stack.
  EXPECT_FALSE(parse_audience(std::string(1900, '(')).has_value());
}

TEST(MembersAudience, TermLimit) {
  // Occurrences count, not distinct terms: each one is an operand Redis has to handle.
  std::string text = "tag:a";
  for (size_t i = 1; i < kMaxAudienceTerms; ++i) text += " OR tag:a";
  ASSERT_LT(text.size() + 7, kMaxAudienceBytes);
  EXPECT_EQ(parse_ok(text).children.size(), kMaxAudienceTerms);
  std::string error = parse_error(text + " OR all");
  EXPECT_EQ(error, "column " + std::to_string(text.size() + 5) + ": more than 200 terms");
}

TEST(MembersAudience, TermsAreDistinctInOrder) {
  auto list = terms(parse_ok("region:b AND (tag:x OR region:b) AND NOT Région:B OR all"));
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0], (std::pair<std::string, std::string>{"region", "b"}));
  EXPECT_EQ(list[1], (std::pair<std::string, std::string>{"tag", "x"}));
}

TEST(MembersAudience, IndexKey) {
  EXPECT_EQ(index_key("region", "estrie"), "{roster}:aud:region:estrie");
  EXPECT_EQ(index_key("local", "csn 1234"), "{roster}:aud:local:csn 1234");
}

TEST(MembersAudienceProgram, SingleTermNeedsNoOperation) {
  auto program = compile_audience(parse_ok("region:estrie"), "tmp:x:");
  EXPECT_EQ(program.keys, (std::vector<std::string>{
                              "{roster}:members:all", "{roster}:members:sms",
                              "{roster}:optout:sms:members", "{roster}:members:email",
                              "{roster}:optout:email:members", "{roster}:aud:region:estrie"}));
  EXPECT_EQ(program.args, (std::vector<std::string>{"1", "7", "0", "6", "0"}));
  EXPECT_EQ(program.term_texts, (std::vector<std::string>{"region:estrie"}));
}

TEST(MembersAudienceProgram, AllIsMembersAll) {
  auto program = compile_audience(parse_ok("all"), "tmp:x:");
  EXPECT_EQ(program.keys.size(), 5u);
  EXPECT_EQ(program.args, (std::vector<std::string>{"0", "6", "0", "1", "0"}));
}

// The region narrows first; the OR is computed inside it; the NOT removes from the result.
TEST(MembersAudienceProgram, IntersectsEarlyAndSubtractsLast) {
  auto program = compile_audience(
      parse_ok("region:estrie AND (sector:sante OR tag:mob) AND NOT local:1234"), "tmp:x:");
  ASSERT_EQ(program.keys.size(), 5u + 4u + 4u);
  EXPECT_EQ(program.keys[8], "{roster}:aud:local:1234");
  EXPECT_EQ(program.keys[9], "tmp:x:1");
  EXPECT_EQ(program.keys[12], "tmp:x:4");
  EXPECT_EQ(program.args,
            (std::vector<std::string>{"4", "10", "4",  "13", "0",     //
                                      "i", "2",  "10", "6",  "7",     // estrie ∩ sante
                                      "i", "2",  "11", "6",  "8",     // estrie ∩ mob
                                      "u", "2",  "12", "10", "11",    //
                                      "d", "2",  "13", "12", "9"}));  // minus local 1234
}

// x AND NOT (a OR b) is one SDIFFSTORE x a b: no union is built.
TEST(MembersAudienceProgram, NegatedUnionIsSubtractedTermByTerm) {
  EXPECT_EQ(compile_audience(parse_ok("region:x AND NOT (tag:a OR tag:b)"), "t:").args,
            (std::vector<std::string>{"3", "9", "1", "9", "0", "d", "3", "9", "6", "7", "8"}));
  EXPECT_EQ(compile_audience(parse_ok("region:x AND NOT (tag:a OR tag:b AND tag:c)"), "t:").args,
            (std::vector<std::string>{"4", "10", "2", "11", "0",      //
                                      "i", "3", "10", "6", "8", "9",  // x ∩ b ∩ c
                                      "d", "3", "11", "6", "7", "10"}));
}

TEST(MembersAudienceProgram, NegationWithoutContextIsAFlagNotASet) {
  EXPECT_EQ(compile_audience(parse_ok("NOT tag:a"), "t:").args,
            (std::vector<std::string>{"1", "7", "0", "6", "1"}));
  EXPECT_EQ(compile_audience(parse_ok("NOT NOT tag:a"), "t:").args,
            (std::vector<std::string>{"1", "7", "0", "6", "0"}));
  // NOT a AND NOT b = NOT (a OR b).
  EXPECT_EQ(compile_audience(parse_ok("NOT tag:a AND NOT tag:b"), "t:").args,
            (std::vector<std::string>{"2", "8", "1", "8", "1", "u", "2", "8", "6", "7"}));
  // a OR NOT b = NOT (b minus a).
  EXPECT_EQ(compile_audience(parse_ok("tag:a OR NOT tag:b"), "t:").args,
            (std::vector<std::string>{"2", "8", "1", "8", "1", "d", "2", "8", "7", "6"}));
}

}  // namespace
}  // namespace tocsin::members
