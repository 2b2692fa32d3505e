// Moving what an older tocsind kept under untagged names (accounts, address claims,
// sessions, sign-in codes, API tokens) under the `{auth}` tag (auth/adopt_untagged_keys.h),
// against a real redis-server: afterwards the stores find them as before (the address
// signs in, the session and the token open), a session keeps its idle TTL, and a key an
// older daemon wrote again after an adoption wins over the moved one. Then through tocsind
// itself: an older daemon's token works once the upgraded one says it is ready.

#include "auth/adopt_untagged_keys.h"

#include <gtest/gtest.h>

#include "auth/account_store.h"
#include "auth/auth_keys.h"
#include "auth/role_proto.h"
#include "auth/session_store.h"
#include "auth/token.h"
#include "auth/token_store.h"
#include "proto/tocsin.pb.h"
#include "redis/decode.h"
#include "tests/support/daemon_process.h"
#include "tests/support/http_client.h"
#include "tests/support/redis_client_fixture.h"
#include "tests/support/redis_sync.h"

namespace tocsin::auth {
namespace {

namespace asio = boost::asio;
namespace old = keys::untagged;

const std::string kId = "a1b2c3d4e5f60718";
const std::string kMobile = "+15145550101";
const std::string kEmail = "luc@example.org";
const std::string kSessionId = "a-session-id-an-older-daemon-handed-out";
const std::string kToken = "tocsin_an-older-daemons-token";

std::string account_record(bool disabled) {
  AccountRecord record;
  record.set_id(kId);
  record.set_name("Luc Gagnon");
  record.set_role(role_to_proto(Role::executive));
  record.set_mobile(kMobile);
  record.set_email(kEmail);
  record.set_disabled(disabled);
  return record.SerializeAsString();
}

std::string token_record() {
  TokenRecord record;
  record.set_name("ops script");
  record.set_role(role_to_proto(Role::admin));
  return record.SerializeAsString();
}

// What an older tocsind wrote: one account with both addresses, a session, a code, a token.
std::vector<redis::Command> older_daemons_keys() {
  const std::string session = std::string(old::kSessionPrefix) + hash_token(kSessionId);
  return {{"SADD", std::string(old::kAccounts), kId},
          {"SET", old::account(kId), account_record(false)},
          {"SET", old::account_address(kMobile), kId},
          {"SET", old::account_address(kEmail), kId},
          {"HSET", session, "account", kId, "expires_at_ms", "99999999999999"},
          {"PEXPIRE", session, "600000"},
          {"SADD", old::account_sessions(kId), session},
          {"HSET", old::sign_in_code(kId), "hash", "h", "salt", "s", "expires_at_ms", "1"},
          {"SADD", std::string(old::kTokens), hash_token(kToken)},
          {"SET", old::token(hash_token(kToken)), token_record()}};
}

class AdoptUntaggedKeys : public testing::RedisClientFixture {
 protected:
  asio::awaitable<std::vector<std::string>> all_keys() {
    redis::Command keys{"KEYS", "*"};
    co_return co_await sorted_strings(std::move(keys));
  }
};

TEST_F(AdoptUntaggedKeys, EverythingMovesUnderTheTagAndOpensAsBefore) {
  run(older_daemons_keys(), [&]() -> asio::awaitable<void> {
    auto moved = co_await adopt_untagged_keys(client_);
    CO_ASSERT_TRUE(moved.has_value());
    // The index, the account, two claims, the session, the code, the tokens' set, the token.
    EXPECT_EQ(*moved, 8u);
    const std::string session = keys::session(hash_token(kSessionId));
    const auto after = co_await all_keys();
    // Sorted as KEYS' answer is ("+" before letters).
    EXPECT_EQ(after, (std::vector<std::string>{
                         keys::account(kId), keys::account_address(kMobile),
                         keys::account_address(kEmail), keys::account_sessions(kId),
                         std::string(keys::kAccounts), session, keys::sign_in_code(kId),
                         keys::token(hash_token(kToken)), std::string(keys::kTokens)}));
    redis::Command ttl{"PTTL", session};
    auto left = redis::decode<int64_t>(co_await client_.exec(std::move(ttl)));
    CO_ASSERT_TRUE(left.has_value());
    EXPECT_GT(*left, 500000);  // the idle limit it had, not reset nor dropped
    redis::Command members{"SMEMBERS", keys::account_sessions(kId)};
    auto set = redis::decode<std::vector<std::string>>(co_await client_.exec(std::move(members)));
    CO_ASSERT_TRUE(set.has_value());
    EXPECT_EQ(*set, std::vector<std::string>{session});

    AccountStore accounts(client_);
    auto found = co_await accounts.find_by_address(kMobile);
    CO_ASSERT_TRUE(found.has_value() && found->has_value());
    EXPECT_EQ((*found)->name(), "Luc Gagnon");
    SessionStore sessions(client_, accounts, {});
    auto principal = co_await sessions.lookup(kSessionId);
    CO_ASSERT_TRUE(principal.has_value() && principal->has_value());
    EXPECT_EQ((*principal)->account_id, kId);
    TokenStore tokens(client_);
    auto by_token = co_await tokens.lookup(kToken);
    CO_ASSERT_TRUE(by_token.has_value() && by_token->has_value());
    EXPECT_EQ((*by_token)->name, "ops script");

    // Nothing left to move: the next start moves nothing and changes nothing.
    auto again = co_await adopt_untagged_keys(client_);
    CO_ASSERT_TRUE(again.has_value());
    EXPECT_EQ(*again, 0u);
    EXPECT_EQ(co_await all_keys(), after);
  });
}

TEST_F(AdoptUntaggedKeys, AKeyAnOlderDaemonWroteAgainAfterwardsWins) {
  run(older_daemons_keys(), [&]() -> asio::awaitable<void> {
    CO_ASSERT_TRUE((co_await adopt_untagged_keys(client_)).has_value());
    // During a rolling upgrade, an older daemon disables the account and creates a token.
    std::vector<redis::Command> writes{{"SADD", std::string(old::kAccounts), kId},
                                       {"SET", old::account(kId), account_record(true)},
                                       {"SADD", std::string(old::kTokens), "another"},
                                       {"SET", old::token("another"), token_record()}};
    co_await client_.exec_pipeline(std::move(writes));
    CO_ASSERT_TRUE((co_await adopt_untagged_keys(client_)).has_value());
    AccountStore accounts(client_);
    auto found = co_await accounts.get(kId);
    CO_ASSERT_TRUE(found.has_value() && found->has_value());
    EXPECT_TRUE((*found)->disabled());
    redis::Command members{"SCARD", std::string(keys::kTokens)};
    auto count = redis::decode<int64_t>(co_await client_.exec(std::move(members)));
    CO_ASSERT_TRUE(count.has_value());
    EXPECT_EQ(*count, 2);  // the sets merged
  });
}

TEST(AdoptUntaggedKeysDaemon, AnOlderDaemonsTokenWorksOnceTheUpgradedOneIsReady) {
  testing::RedisServer redis;
  testing::RedisSync sync(redis.port());
  for (const auto& command : older_daemons_keys()) sync.command(command);
  testing::DaemonProcess daemon({.redis_url = redis.url()});
  ASSERT_EQ(testing::http_get(daemon.base_url() + "/readyz").status, 200);
  const auto listed =
      testing::http_get(daemon.base_url() + "/v1/accounts", testing::bearer(kToken));
  EXPECT_EQ(listed.status, 200) << listed.body;
  EXPECT_NE(listed.body.find("Luc Gagnon"), std::string::npos);
  EXPECT_EQ(sync.integer({"EXISTS", std::string(old::kAccounts), std::string(old::kTokens)}), 0);
}

}  // namespace
}  // namespace tocsin::auth
