// The contracts of the account and session scripts that write the audit stream beside the
// account's keys (daemon/auth/*.lua). They cross slots today (the global audit stream, and
// session keys read from the account's set), so they run on plain Redis only, until the
// audit and sessions take the account's hash tag.

#include <gtest/gtest.h>

#include "auth/account_create.lua.h"
#include "auth/account_disable.lua.h"
#include "auth/session_open.lua.h"
#include "auth/sessions_close_all.lua.h"
#include "tests/support/script_contract.h"

namespace tocsin::auth {
namespace {

using testing::ScriptContract;

class AccountCreate : public ScriptContract {};

std::vector<std::string> create_keys() {
  return {"account:a1", "accounts", "account_address:+15145550001",
          "account_address:ana@example.org", "audit"};
}

TEST_P(AccountCreate, WritesTheAccountItsAddressClaimsAndOneAuditEntry) {
  const auto before = keyspace();
  auto reply = run(lua::account_create, create_keys(), {"a1", "record", "admin", "Ana", "executive"});
  EXPECT_EQ(reply.str, "ok");
  EXPECT_EQ(changed_keys(before),
            (std::set<std::string>{"account:a1", "accounts", "account_address:+15145550001",
                                   "account_address:ana@example.org", "audit"}));
  EXPECT_EQ(redis().text({"GET", "account:a1"}), "record");
  EXPECT_EQ(redis().text({"GET", "account_address:ana@example.org"}), "a1");
  const std::string audit = redis().text({"XRANGE", "audit", "-", "+"});
  EXPECT_NE(audit.find("account.create"), std::string::npos);
  EXPECT_NE(audit.find("name=Ana role=executive"), std::string::npos);
}

TEST_P(AccountCreate, AnAddressOfAnotherAccountIsRefusedBeforeAnyWrite) {
  redis().command({"SET", "account_address:ana@example.org", "a0"});
  const auto before = keyspace();
  auto reply = run(lua::account_create, create_keys(), {"a1", "record", "admin", "Ana", "executive"});
  EXPECT_EQ(reply.str, "email");
  EXPECT_TRUE(changed_keys(before).empty());
}

TEST_P(AccountCreate, WithoutAddressesOnlyTheAccountItsIndexAndTheAuditChange) {
  const auto before = keyspace();
  auto reply =
      run(lua::account_create, {"account:a1", "accounts", "", "", "audit"},
          {"a1", "record", "admin", "Ana", "coordinator"});
  EXPECT_EQ(reply.str, "ok");
  EXPECT_EQ(changed_keys(before), (std::set<std::string>{"account:a1", "accounts", "audit"}));
}
TOCSIN_SCRIPT_CONTRACT_STANDALONE_ONLY(AccountCreate);

class AccountDisable : public ScriptContract {};

TEST_P(AccountDisable, EndsEverySessionReplacesTheRecordAndAuditsTheCount) {
  redis().command({"SET", "account:a1", "record"});
  redis().command({"HSET", "session:s1", "account", "a1"});
  redis().command({"HSET", "session:s2", "account", "a1"});
  redis().command({"SADD", "account_sessions:a1", "session:s1", "session:s2"});
  auto reply = run(lua::account_disable, {"account:a1", "account_sessions:a1", "audit"},
                   {"disabled record", "admin", "a1"});
  EXPECT_EQ(reply.str, "ok");
  EXPECT_EQ(redis().text({"GET", "account:a1"}), "disabled record");
  EXPECT_EQ(redis().integer({"EXISTS", "session:s1", "session:s2", "account_sessions:a1"}), 0);
  EXPECT_NE(redis().text({"XRANGE", "audit", "-", "+"}).find("sessions_ended=2"),
            std::string::npos);
}

TEST_P(AccountDisable, AnAccountGoneIsNotFoundAndNothingChanges) {
  const auto before = keyspace();
  auto reply = run(lua::account_disable, {"account:a1", "account_sessions:a1", "audit"},
                   {"disabled record", "admin", "a1"});
  EXPECT_EQ(reply.str, "not_found");
  EXPECT_TRUE(changed_keys(before).empty());
}
TOCSIN_SCRIPT_CONTRACT_STANDALONE_ONLY(AccountDisable);

class SessionOpen : public ScriptContract {};

TEST_P(SessionOpen, OpensTheSessionForgetsExpiredOnesAndAudits) {
  redis().command({"SADD", "account_sessions:a1", "session:gone"});
  auto reply = run(lua::session_open, {"session:s1", "account_sessions:a1", "audit"},
                   {"a1", "999999", "60000", "Ana", "session=s1"});
  EXPECT_EQ(reply.integer, 1);
  EXPECT_EQ(redis().text({"HGET", "session:s1", "account"}), "a1");
  EXPECT_GT(redis().integer({"PTTL", "session:s1"}), 50000);
  EXPECT_EQ(redis().text({"SMEMBERS", "account_sessions:a1"}), "session:s1\n");
  EXPECT_NE(redis().text({"XRANGE", "audit", "-", "+"}).find("session.sign_in"),
            std::string::npos);
}
TOCSIN_SCRIPT_CONTRACT_STANDALONE_ONLY(SessionOpen);

class SessionsCloseAll : public ScriptContract {};

TEST_P(SessionsCloseAll, EndsEachSessionOnceAndCountsOnlyThoseAlive) {
  redis().command({"HSET", "session:s1", "account", "a1"});
  redis().command({"SADD", "account_sessions:a1", "session:s1", "session:gone"});
  auto reply = run(lua::sessions_close_all, {"account_sessions:a1", "audit"}, {"Ana", "a1"});
  EXPECT_EQ(reply.integer, 1);
  EXPECT_EQ(redis().integer({"EXISTS", "session:s1", "account_sessions:a1"}), 0);
  EXPECT_NE(redis().text({"XRANGE", "audit", "-", "+"}).find("sessions_ended=1"),
            std::string::npos);
}
TOCSIN_SCRIPT_CONTRACT_STANDALONE_ONLY(SessionsCloseAll);

}  // namespace
}  // namespace tocsin::auth
