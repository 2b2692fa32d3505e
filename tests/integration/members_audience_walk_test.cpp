// Walking an audience slice by slice (members/audience_walk.h) against a real redis-server,
// with the programs and drivers of members/audience_predicate.h as the daemon runs them.
// Seeded random expressions (every form the parser accepts: AND, OR, NOT, "all", unknown
// terms) check that the union of the slices is the expression's audience, computed apart
// in C++ and counted by the audience counter (audience_count.lua); the walk writes
// nothing, and a small index drives it.

#include "members/audience_walk.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>

#include "members/audience.h"
#include "members/audience_counter.h"
#include "members/audience_predicate.h"
#include "redis/decode.h"
#include "tests/support/redis_client_fixture.h"

namespace tocsin::members {
namespace {

namespace asio = boost::asio;

constexpr int kMembers = 300;
const std::vector<std::string> kTerms{"region:a", "region:b", "region:c", "sector:x",
                                      "sector:y", "tag:t1",   "tag:t2",   "tag:unknown"};

class AudienceWalkTest : public testing::RedisClientFixture {
 protected:
  // The roster: every term but the last (never indexed: a typo) holds about a third.
  std::vector<redis::Command> roster() {
    std::vector<redis::Command> seed;
    std::mt19937 random(19);
    for (int i = 0; i < kMembers; ++i) {
      const std::string id = "m" + std::to_string(i);
      everyone_.insert(id);
      seed.push_back({"SADD", "{roster}:members:all", id});
      for (size_t t = 0; t + 1 < kTerms.size(); ++t) {
        if (random() % 3 == 0) {
          in_term_[kTerms[t]].insert(id);
          seed.push_back({"SADD", index_of(kTerms[t]), id});
        }
      }
    }
    return seed;
  }

  static std::string index_of(const std::string& term) { return "{roster}:aud:" + term; }

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

  // The slices' union, pages of `count`; `slices` gets how many non-empty slices it took.
  asio::awaitable<std::multiset<std::string>> walk(const AudienceExpr& expr, int count,
                                                   int* slices = nullptr) {
    std::multiset<std::string> got;
    int calls = 0;
    auto walked = co_await walk_audience(
        client_, expr, count,
        [&](std::vector<std::string> ids) -> asio::awaitable<std::error_code> {
          ++calls;
          got.insert(ids.begin(), ids.end());
          co_return std::error_code();
        });
    EXPECT_FALSE(walked) << to_string(expr);
    if (slices) *slices = calls;
    co_return got;
  }

  asio::awaitable<int64_t> counted(const AudienceExpr& expr) {
    AudienceCounter counter(client_);
    auto count = co_await counter.count(expr);
    EXPECT_TRUE(count.has_value()) << to_string(expr);
    co_return count ? count->members : -1;
  }

  asio::awaitable<int64_t> key_count() {
    redis::Command size{"DBSIZE"};
    auto n = redis::decode<int64_t>(co_await client_.exec(std::move(size)));
    co_return n ? *n : -1;
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

TEST_F(AudienceWalkTest, TheUnionOfTheSlicesIsTheAudienceForRandomExpressions) {
  run(roster(), [&]() -> asio::awaitable<void> {
    std::mt19937 random(2026);
    for (int n = 0; n < 300; ++n) {
      const std::string text = random_expression(random, 0);
      auto expr = parse_audience(text);
      CO_ASSERT_TRUE(expr.has_value());
      std::set<std::string> want;
      for (const auto& id : everyone_) {
        if (selects(*expr, id)) want.insert(id);
      }
      const auto got = co_await walk(*expr, 10);
      // SSCAN does not repeat a member of a set left unchanged during the walk.
      EXPECT_EQ(std::set<std::string>(got.begin(), got.end()), want) << text;
      EXPECT_EQ(got.size(), want.size()) << text;
      const int64_t count = co_await counted(*expr);
      EXPECT_EQ(count, static_cast<int64_t>(want.size())) << text;
    }
  });
}

TEST_F(AudienceWalkTest, WalksInManySmallSlicesAndWritesNothing) {
  run(roster(), [&]() -> asio::awaitable<void> {
    const int64_t before = co_await key_count();
    int slices = 0;
    auto expr = parse_audience("NOT tag:t1 OR region:a");
    CO_ASSERT_TRUE(expr.has_value());
    co_await walk(*expr, 10, &slices);
    EXPECT_GE(slices, kMembers / 30);  // SSCAN COUNT is a hint: about 10 per page
    const int64_t after = co_await key_count();
    EXPECT_EQ(after, before);
  });
}

TEST_F(AudienceWalkTest, TheDriverIsTheSmallestTopLevelTerm) {
  auto seed = roster();
  seed.push_back({"SADD", "{roster}:aud:tag:rare", "m1", "m2"});
  in_term_["tag:rare"] = {"m1", "m2"};
  run(seed, [&]() -> asio::awaitable<void> {
    auto expr = parse_audience("region:a AND tag:rare AND NOT sector:x");
    CO_ASSERT_TRUE(expr.has_value());
    int slices = 0;
    const auto got = co_await walk(*expr, 1000, &slices);
    EXPECT_LE(slices, 1);  // a two-member index is one page
    for (const auto& id : got) EXPECT_TRUE(id == "m1" || id == "m2") << id;
  });
}

}  // namespace
}  // namespace tocsin::members
