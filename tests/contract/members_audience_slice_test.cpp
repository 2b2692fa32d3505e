// The contract of one slice of an audience walk (daemon/members/audience_slice.lua), driven
// with the programs and drivers of members/audience_predicate.h as the daemon runs them.
// Seeded random expressions (every form the parser accepts: AND, OR, NOT, "all", unknown
// terms) check that the union of the slices is the expression's audience, computed apart in
// C++ and counted by audience_count.lua. It reads the shared member indexes (no hash tag),
// so it runs on plain Redis only.

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <tuple>

#include "members/audience.h"
#include "members/audience_count.lua.h"
#include "members/audience_predicate.h"
#include "members/audience_program.h"
#include "members/audience_slice.lua.h"
#include "redis/decode.h"
#include "tests/support/script_contract.h"

namespace tocsin::members {
namespace {

using testing::ScriptContract;

constexpr int kMembers = 300;
const std::vector<std::string> kTerms{"region:a", "region:b", "region:c", "sector:x",
                                      "sector:y", "tag:t1",   "tag:t2",   "tag:unknown"};

class AudienceSlice : public ScriptContract {
 protected:
  void SetUp() override {
    ScriptContract::SetUp();
    std::mt19937 random(19);
    for (int i = 0; i < kMembers; ++i) {
      const std::string id = "m" + std::to_string(i);
      everyone_.insert(id);
      redis().command({"SADD", "members:all", id});
      // Every term but the last (never indexed: a typo) holds about a third of the roster.
      for (size_t t = 0; t + 1 < kTerms.size(); ++t) {
        if (random() % 3 == 0) {
          in_term_[kTerms[t]].insert(id);
          redis().command({"SADD", index_of(kTerms[t]), id});
        }
      }
    }
  }

  static std::string index_of(const std::string& term) { return "aud:" + term; }

  // Who the expression selects, computed in C++ from the seeded indexes.
  bool selects(const AudienceExpr& expr, const std::string& id) {
    using Kind = AudienceExpr::Kind;
    switch (expr.kind) {
      case Kind::all:
        return true;
      case Kind::term:
        return in_term_[expr.dimension + ":" + expr.value].count(id) > 0;
      case Kind::not_:
        return !selects(expr.children.at(0), id);
      case Kind::and_:
        for (const auto& child : expr.children) {
          if (!selects(child, id)) return false;
        }
        return true;
      case Kind::or_:
        for (const auto& child : expr.children) {
          if (selects(child, id)) return true;
        }
        return false;
    }
    return false;
  }

  // The slices' union, walked as audience_walk.cpp does, pages of `count`; `slices` gets
  // how many calls it took.
  std::multiset<std::string> walk(const AudienceExpr& expr, int count, int* slices = nullptr) {
    const auto term_list = terms(expr);
    std::vector<std::string> keys{"members:all"};
    const auto candidates = conjunct_terms(expr);
    std::vector<int64_t> sizes;
    for (size_t k : candidates) {
      sizes.push_back(
          redis().integer({"SCARD", index_key(term_list[k].first, term_list[k].second)}));
    }
    if (auto driver = choose_driver(candidates, sizes)) {
      keys[0] = index_key(term_list[*driver].first, term_list[*driver].second);
    }
    for (const auto& [dimension, value] : term_list) keys.push_back(index_key(dimension, value));
    const auto program = compile_predicate(expr);
    std::multiset<std::string> got;
    std::string cursor = "0";
    int calls = 0;
    do {
      std::vector<std::string> args{cursor, std::to_string(count)};
      args.insert(args.end(), program.begin(), program.end());
      auto page = redis::decode<std::tuple<std::string, std::vector<std::string>>>(
          run(lua::audience_slice, keys, args));
      EXPECT_TRUE(page) << to_string(expr);
      if (!page) break;
      cursor = std::get<0>(*page);
      for (auto& id : std::get<1>(*page)) got.insert(id);
      ++calls;
    } while (cursor != "0");
    if (slices) *slices = calls;
    return got;
  }

  int64_t counted(const AudienceExpr& expr) {
    AudienceProgram program = compile_audience(expr, "tmp:aud:{t1}:");
    return run(lua::audience_count, program.keys, program.args).elements.at(0).integer;
  }

  std::string random_expression(std::mt19937& random, int depth) {
    const int pick = static_cast<int>(random() % (depth > 2 ? 3 : 7));
    if (pick == 0) return "all";
    if (pick <= 2) return kTerms[random() % kTerms.size()];
    if (pick == 3) return "NOT " + random_expression(random, depth + 1);
    const std::string op = pick <= 4 ? " AND " : " OR ";
    std::string text = "(" + random_expression(random, depth + 1);
    const int operands = 2 + static_cast<int>(random() % 2);
    for (int i = 1; i < operands; ++i) text += op + random_expression(random, depth + 1);
    return text + ")";
  }

  std::set<std::string> everyone_;
  std::map<std::string, std::set<std::string>> in_term_;
};

TEST_P(AudienceSlice, TheUnionOfTheSlicesIsTheAudienceForRandomExpressions) {
  std::mt19937 random(2026);
  for (int n = 0; n < 300; ++n) {
    const std::string text = random_expression(random, 0);
    auto expr = parse_audience(text);
    ASSERT_TRUE(expr) << text;
    std::set<std::string> want;
    for (const auto& id : everyone_) {
      if (selects(*expr, id)) want.insert(id);
    }
    const auto got = walk(*expr, 10);
    // SSCAN does not repeat a member of a set left unchanged during the walk.
    EXPECT_EQ(std::set<std::string>(got.begin(), got.end()), want) << text;
    EXPECT_EQ(got.size(), want.size()) << text;
    EXPECT_EQ(counted(*expr), static_cast<int64_t>(want.size())) << text;
  }
}

TEST_P(AudienceSlice, WalksInManySmallSlicesAndWritesNothing) {
  const auto before = keyspace();
  int slices = 0;
  auto expr = parse_audience("NOT tag:t1 OR region:a");
  ASSERT_TRUE(expr);
  walk(*expr, 10, &slices);
  EXPECT_GE(slices, kMembers / 20);  // SSCAN COUNT is a hint: about 10 per page
  EXPECT_TRUE(changed_keys(before).empty());
}

TEST_P(AudienceSlice, TheDriverIsTheSmallestTopLevelTerm) {
  redis().command({"SADD", "aud:tag:rare", "m1", "m2"});
  in_term_["tag:rare"] = {"m1", "m2"};
  auto expr = parse_audience("region:a AND tag:rare AND NOT sector:x");
  ASSERT_TRUE(expr);
  int slices = 0;
  const auto got = walk(*expr, 1000, &slices);
  EXPECT_EQ(slices, 1);  // a two-member index is one page
  for (const auto& id : got) EXPECT_TRUE(id == "m1" || id == "m2") << id;
}
TOCSIN_SCRIPT_CONTRACT_STANDALONE_ONLY(AudienceSlice);

}  // namespace
}  // namespace tocsin::members
