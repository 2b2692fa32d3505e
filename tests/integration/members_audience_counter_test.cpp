// AudienceCounter against a real redis-server: a few hundred members written straight into
// the index sets, then counts for terms and combinations checked against the same
// selection done in C++, opt-outs subtracted, unknown terms reported, no temporary key
// left behind, and the sliced walk of the members themselves (audience_walk.h).

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <set>

#include "members/audience.h"
#include "members/audience_counter.h"
#include "members/audience_walk.h"
#include "redis/client.h"
#include "tests/support/redis_client_fixture.h"

namespace tocsin::members {
namespace {

namespace asio = boost::asio;

constexpr int kMembers = 300;

// The synthetic roster: member i's attributes are functions of i, so a test can compute
// the expected answer of any expression with a predicate.
std::string region_of(int i) {
  static const char* regions[] = {"estrie", "monteregie", "capitale-nationale"};
  return regions[i % 3];
}
std::string sector_of(int i) {
  return i % 2 == 0 ? "sante" : "education";
}
std::string local_of(int i) {
  return i % 10 == 0 ? "1234" : "csn 5678";
}
bool mob_unit(int i) {
  return i % 7 == 0;
}
bool has_mobile(int i) {
  return i % 4 != 0;
}
bool has_email(int i) {
  return i % 5 != 0;
}
bool sms_opted_out(int i) {
  return i % 6 == 0;
}  // some of them have no mobile at all
bool email_opted_out(int i) {
  return i % 9 == 0;
}

std::string id_of(int i) {
  return "m" + std::to_string(i);
}

std::vector<redis::Command> roster_commands() {
  std::vector<redis::Command> commands;
  for (int i = 1; i <= kMembers; ++i) {
    std::string id = id_of(i);
    commands.push_back({"SADD", "{roster}:members:all", id});
    commands.push_back({"SADD", index_key("region", region_of(i)), id});
    commands.push_back({"SADD", index_key("sector", sector_of(i)), id});
    commands.push_back({"SADD", index_key("local", local_of(i)), id});
    if (mob_unit(i)) commands.push_back({"SADD", index_key("tag", "mob-unit"), id});
    if (has_mobile(i)) commands.push_back({"SADD", "{roster}:members:sms", id});
    if (has_email(i)) commands.push_back({"SADD", "{roster}:members:email", id});
    if (sms_opted_out(i)) commands.push_back({"SADD", "{roster}:optout:sms:members", id});
    if (email_opted_out(i)) commands.push_back({"SADD", "{roster}:optout:email:members", id});
  }
  return commands;
}

AudienceCount expected(const std::function<bool(int)>& selected) {
  AudienceCount count;
  for (int i = 1; i <= kMembers; ++i) {
    if (!selected(i)) continue;
    ++count.members;
    if (has_mobile(i) && !sms_opted_out(i)) ++count.sms_reachable;
    if (has_email(i) && !email_opted_out(i)) ++count.email_reachable;
  }
  return count;
}

AudienceExpr parse(std::string_view text) {
  std::string error;
  auto expr = parse_audience(text, &error);
  EXPECT_TRUE(expr.has_value()) << text << ": " << error;
  return expr.value_or(AudienceExpr{});
}

class MembersAudienceCounterTest : public testing::RedisClientFixture {
 protected:
  asio::awaitable<std::vector<std::string>> keys_matching(std::string pattern) {
    redis::Command keys{"KEYS", std::move(pattern)};
    auto reply = co_await client_.exec(std::move(keys));
    std::vector<std::string> names;
    if (reply) {
      for (const auto& element : reply->elements) names.push_back(element.str);
    }
    co_return names;
  }

  // Counts `text` and compares with the C++ selection; returns the unknown terms.
  asio::awaitable<void> check(std::string text, std::function<bool(int)> selected) {
    AudienceCounter counter(client_);
    auto count = co_await counter.count(parse(text));
    CO_ASSERT_TRUE(count);
    AudienceCount want = expected(selected);
    EXPECT_EQ(count->members, want.members) << text;
    EXPECT_EQ(count->sms_reachable, want.sms_reachable) << text;
    EXPECT_EQ(count->email_reachable, want.email_reachable) << text;
    EXPECT_TRUE(count->unknown_terms.empty()) << text;
  }
};

TEST_F(MembersAudienceCounterTest, CountsMatchTheSelection) {
  run(roster_commands(), [&]() -> asio::awaitable<void> {
    co_await check("all", [](int) { return true; });
    co_await check("region:estrie", [](int i) { return region_of(i) == "estrie"; });
    co_await check("région:\"Capitale-Nationale\"",
                   [](int i) { return region_of(i) == "capitale-nationale"; });
    co_await check("region:estrie AND sector:sante",
                   [](int i) { return region_of(i) == "estrie" && sector_of(i) == "sante"; });
    co_await check("region:estrie OR tag:mob-unit",
                   [](int i) { return region_of(i) == "estrie" || mob_unit(i); });
    co_await check("NOT local:1234", [](int i) { return local_of(i) != "1234"; });
    co_await check("local:\"CSN 5678\"", [](int i) { return local_of(i) == "csn 5678"; });
    co_await check("region:estrie AND (sector:sante OR tag:mob-unit) AND NOT local:1234",
                   [](int i) {
                     return region_of(i) == "estrie" && (sector_of(i) == "sante" || mob_unit(i)) &&
                            local_of(i) != "1234";
                   });
    co_await check("NOT (region:estrie OR region:monteregie)",
                   [](int i) { return region_of(i) == "capitale-nationale"; });
    co_await check("NOT tag:mob-unit AND NOT sector:sante",
                   [](int i) { return !mob_unit(i) && sector_of(i) != "sante"; });
    co_await check("all AND NOT all", [](int) { return false; });
    co_await check("region:estrie AND NOT (tag:mob-unit OR local:1234 AND sector:sante)",
                   [](int i) {
                     return region_of(i) == "estrie" &&
                            !(mob_unit(i) || (local_of(i) == "1234" && sector_of(i) == "sante"));
                   });
    co_await check("tag:mob-unit OR NOT sector:sante",
                   [](int i) { return mob_unit(i) || sector_of(i) != "sante"; });
    co_await check("(region:estrie OR NOT tag:mob-unit) AND sector:sante", [](int i) {
      return (region_of(i) == "estrie" || !mob_unit(i)) && sector_of(i) == "sante";
    });
    co_await check("NOT (region:estrie AND NOT sector:sante)",
                   [](int i) { return !(region_of(i) == "estrie" && sector_of(i) != "sante"); });
    co_await check("(NOT region:estrie OR NOT tag:mob-unit) AND (sector:sante OR local:1234)",
                   [](int i) {
                     return (region_of(i) != "estrie" || !mob_unit(i)) &&
                            (sector_of(i) == "sante" || local_of(i) == "1234");
                   });
    co_await check("NOT NOT tag:mob-unit OR region:estrie AND NOT sector:education", [](int i) {
      return mob_unit(i) || (region_of(i) == "estrie" && sector_of(i) == "sante");
    });
  });
}

TEST_F(MembersAudienceCounterTest, OptOutsAreSubtracted) {
  run(roster_commands(), [&]() -> asio::awaitable<void> {
    AudienceCounter counter(client_);
    auto before = co_await counter.count(parse("all"));
    CO_ASSERT_TRUE(before);
    // Members 1..300: 225 with a mobile, of which 25 opted out (multiples of 6 but not of
    // 12); 240 with an email, of which 27 opted out (multiples of 9 but not of 45).
    EXPECT_EQ(before->members, 300);
    EXPECT_EQ(before->sms_reachable, 225 - 25);
    EXPECT_EQ(before->email_reachable, 240 - 27);

    // One more opt-out of a member with a mobile; one of a member without (no change).
    redis::Command opt_out{"SADD", "{roster}:optout:sms:members", id_of(1), id_of(4)};
    co_await client_.exec(std::move(opt_out));
    auto after = co_await counter.count(parse("all"));
    CO_ASSERT_TRUE(after);
    EXPECT_EQ(after->sms_reachable, before->sms_reachable - 1);
    EXPECT_EQ(after->email_reachable, before->email_reachable);
  });
}

TEST_F(MembersAudienceCounterTest, UnknownTermsAreReported) {
  run(roster_commands(), [&]() -> asio::awaitable<void> {
    AudienceCounter counter(client_);
    auto count =
        co_await counter.count(parse("region:estri OR region:estrie OR local:\"nowhere 1\""));
    CO_ASSERT_TRUE(count);
    EXPECT_EQ(count->members, expected([](int i) { return region_of(i) == "estrie"; }).members);
    EXPECT_EQ(count->unknown_terms,
              (std::vector<std::string>{"region:estri", "local:\"nowhere 1\""}));

    auto none = co_await counter.count(parse("tag:nobody"));
    CO_ASSERT_TRUE(none);
    EXPECT_EQ(none->members, 0);
    EXPECT_EQ(none->sms_reachable, 0);
    EXPECT_EQ(none->unknown_terms, (std::vector<std::string>{"tag:nobody"}));
  });
}

TEST_F(MembersAudienceCounterTest, TemporaryKeysAreDeleted) {
  run(roster_commands(), [&]() -> asio::awaitable<void> {
    redis::Command dbsize{"DBSIZE"};
    auto keys_before = co_await client_.exec(dbsize);
    CO_ASSERT_TRUE(keys_before);
    AudienceCounter counter(client_);
    auto count = co_await counter.count(
        parse("(region:estrie OR region:monteregie) AND NOT tag:mob-unit AND (sector:sante OR "
              "NOT local:1234)"));
    CO_ASSERT_TRUE(count);
    EXPECT_TRUE((co_await keys_matching("tmp:*")).empty());
    auto keys_after = co_await client_.exec(dbsize);
    CO_ASSERT_TRUE(keys_after);
    EXPECT_EQ(keys_after->integer, keys_before->integer);

    // A failing script cleans up too: a term key of the wrong type makes SDIFFSTORE fail
    // once the union is already in a temporary key.
    redis::Command wrong_type{"SET", "{roster}:aud:tag:broken", "x"};
    co_await client_.exec(std::move(wrong_type));
    auto failed =
        co_await counter.count(parse("(region:estrie OR region:monteregie) AND NOT tag:broken"));
    EXPECT_FALSE(failed);
    EXPECT_TRUE((co_await keys_matching("tmp:*")).empty());
  });
}

// The sliced walk (audience_walk.h) selects what the expression says, each member once, in
// many calls: small slices, so 300 members take dozens of them.
TEST_F(MembersAudienceCounterTest, WalkSelectsTheExpressionsMembersInSlices) {
  run(roster_commands(), [&]() -> asio::awaitable<void> {
    struct Case {
      const char* text;
      std::function<bool(int)> selected;
    };
    const std::vector<Case> cases{
        {"region:estrie AND NOT tag:mob-unit",
         [](int i) { return region_of(i) == "estrie" && !mob_unit(i); }},
        {"tag:mob-unit", [](int i) { return mob_unit(i); }},
        {"NOT region:estrie", [](int i) { return region_of(i) != "estrie"; }},
        {"all", [](int) { return true; }},
        {"tag:mob-unit AND NOT tag:mob-unit", [](int) { return false; }}};
    for (const auto& c : cases) {
      std::multiset<std::string> got;
      int slices = 0;
      auto walked = co_await walk_audience(
          client_, parse(c.text), 10,
          [&](std::vector<std::string> ids) -> asio::awaitable<std::error_code> {
            ++slices;
            got.insert(ids.begin(), ids.end());
            co_return std::error_code();
          });
      EXPECT_FALSE(walked) << c.text;
      std::multiset<std::string> want;
      for (int i = 1; i <= kMembers; ++i) {
        if (c.selected(i)) want.insert(id_of(i));
      }
      EXPECT_EQ(got, want) << c.text;
      if (want.size() > 100) {
        EXPECT_GT(slices, 5) << c.text;
      }
    }
    EXPECT_TRUE((co_await keys_matching("tmp:*")).empty());
  });
}

}  // namespace
}  // namespace tocsin::members
