// AudienceBreakdownCounter against a real redis-server, with batches much smaller than the
// roster so that shared phones and emails meet across batches: 3,000 members written
// straight into their index hashes, counts compared with the same rules applied in C++.

#include "alerts/audience_breakdown.h"

#include <gtest/gtest.h>

#include <functional>
#include <set>

#include "redis/client.h"
#include "tests/support/redis_client_fixture.h"

namespace tocsin::alerts {
namespace {

namespace asio = boost::asio;

constexpr int kMembers = 3000;
const std::string kAudience = "test:audience";

// Members i, i+1000 and i+2000 share a phone; i and i+1500 share an email. Every attribute
// that decides a count is a function of i % 500, so all holders of one address agree and
// the expected counts do not depend on the order SSCAN returns ids in.
std::string mobile_of(int i) {
  return i % 500 == 7 ? "" : "+1819555" + std::to_string(1000 + i % 1000);
}
std::string email_of(int i) {
  return i % 500 == 11 ? "" : "m" + std::to_string(i % 1500) + "@exemple.qc.ca";
}
// "" = not indexed (a member imported before languages were); "es" = no such message.
std::string language_of(int i) {
  switch (i % 500 % 5) {
    case 0:
    case 1:
      return "en";
    case 2:
      return "";
    case 3:
      return "es";
    default:
      return "fr";
  }
}
bool sms_opted_out(int i) {
  return i % 500 % 9 == 0;
}
bool email_opted_out(int i) {
  return i % 500 % 13 == 0;
}

std::vector<redis::Command> roster_commands() {
  std::vector<redis::Command> commands;
  for (int i = 1; i <= kMembers; ++i) {
    const std::string id = std::to_string(i);
    redis::Command index{
        "HSET", "{roster}:member:" + id + ":idx", "mobile", mobile_of(i), "email", email_of(i)};
    if (!language_of(i).empty()) {
      index.push_back("language");
      index.push_back(language_of(i));
    }
    commands.push_back(std::move(index));
    commands.push_back({"SADD", kAudience, id});
    if (sms_opted_out(i) && !mobile_of(i).empty()) {
      commands.push_back({"SADD", "{roster}:optout:sms", mobile_of(i)});
    }
    if (email_opted_out(i) && !email_of(i).empty()) {
      commands.push_back({"SADD", "{roster}:optout:email", email_of(i)});
    }
  }
  return commands;
}

// The rules of audience_breakdown.h, applied in C++.
AudienceBreakdown expected(bool sms, bool email, const std::set<std::string>& languages) {
  AudienceBreakdown breakdown;
  std::set<std::string> phones, emails;
  for (int i = 1; i <= kMembers; ++i) {
    const std::string language = languages.count(language_of(i)) ? language_of(i) : "fr";
    if (sms && !mobile_of(i).empty() && !sms_opted_out(i) && phones.insert(mobile_of(i)).second) {
      ++breakdown.sms[language];
    }
    if (email && !email_of(i).empty() && !email_opted_out(i) && emails.insert(email_of(i)).second) {
      ++breakdown.email[language];
    }
  }
  return breakdown;
}

Alert alert_with(Channel channels, const std::vector<std::string>& languages) {
  Alert alert;
  alert.set_channels(channels);
  for (const auto& language : languages) (*alert.mutable_messages())[language].set_sms("x");
  return alert;
}

class AlertsAudienceBreakdownTest : public testing::RedisClientFixture {
 protected:
  asio::awaitable<void> check(const Alert& alert, const AudienceBreakdown& want) {
    AudienceBreakdownCounter counter(client_, 7);
    auto got = co_await counter.count(kAudience, alert);
    CO_ASSERT_TRUE(got);
    EXPECT_EQ(got->sms, want.sms);
    EXPECT_EQ(got->email, want.email);
    redis::Command leftovers{"KEYS", "tmp:*"};
    auto keys = co_await client_.exec(std::move(leftovers));
    CO_ASSERT_TRUE(keys);
    EXPECT_TRUE(keys->elements.empty()) << "the address sets are deleted";
  }
};

TEST_F(AlertsAudienceBreakdownTest, SharedAddressesCountOnceAcrossBatches) {
  run(roster_commands(), [&]() -> asio::awaitable<void> {
    // g++ 12 refuses braced lists inside a co_await expression: values are built first.
    const AudienceBreakdown want = expected(true, true, {"fr", "en"});
    const Alert alert = alert_with(BOTH, {"fr", "en"});
    // A sanity check of the roster itself: sharing and opt-outs do bite.
    int64_t sms_total = 0;
    for (const auto& [language, n] : want.sms) sms_total += n;
    EXPECT_LT(sms_total, 1000);
    EXPECT_GT(sms_total, 800);
    EXPECT_GT(want.sms.at("en"), 0);
    co_await check(alert, want);
  });
}

TEST_F(AlertsAudienceBreakdownTest, OnlyTheChosenChannelsAndLanguages) {
  run(roster_commands(), [&]() -> asio::awaitable<void> {
    const Alert sms = alert_with(SMS, {"fr", "en"});
    const AudienceBreakdown sms_only = expected(true, false, {"fr", "en"});
    co_await check(sms, sms_only);
    const Alert email = alert_with(EMAIL, {"fr"});
    const AudienceBreakdown email_only = expected(false, true, {"fr"});
    co_await check(email, email_only);
    const Alert both = alert_with(BOTH, {"fr"});
    const AudienceBreakdown french = expected(true, true, {"fr"});
    EXPECT_EQ(french.sms.size(), 1u) << "everyone gets French";
    co_await check(both, french);
  });
}

TEST_F(AlertsAudienceBreakdownTest, AnAbsentAudienceIsEmpty) {
  run(roster_commands(), [&]() -> asio::awaitable<void> {
    AudienceBreakdownCounter counter(client_);
    const Alert alert = alert_with(BOTH, {"fr", "en"});
    auto got = co_await counter.count("test:nobody", alert);
    CO_ASSERT_TRUE(got);
    EXPECT_TRUE(got->sms.empty());
    EXPECT_TRUE(got->email.empty());
  });
}

}  // namespace
}  // namespace tocsin::alerts
