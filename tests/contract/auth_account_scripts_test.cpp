// The contracts of the account and session scripts that write the auth audit stream beside
// the account's keys (daemon/auth/*.lua). Every key carries the `{auth}` tag and the
// sessions a script ends or prunes come in as KEYS, read by the caller from the account's
// set, so they run on plain Redis and on a cluster.

#include <gtest/gtest.h>

#include "auth/account_create.lua.h"
#include "auth/account_disable.lua.h"
#include "auth/session_open.lua.h"
#include "auth/sessions_close_all.lua.h"
#include "tests/support/script_contract.h"

namespace tocsin::auth {
namespace {

using testing::ScriptContract;

const std::string kAccount = "{auth}:account:a1";
const std::string kAccounts = "{auth}:accounts";
const std::string kAudit = "{auth}:audit";
const std::string kMobile = "{auth}:account_address:+15145550001";
const std::string kEmail = "{auth}:account_address:ana@example.org";
const std::string kSessions = "{auth}:account_sessions:a1";
const std::string kSession1 = "{auth}:session:s1";
const std::string kSession2 = "{auth}:session:s2";

class AccountCreate : public ScriptContract {};

TEST_P(AccountCreate, WritesTheAccountItsAddressClaimsAndOneAuditEntry) {
  const auto before = keyspace();
  auto reply = run(lua::account_create, {kAccount, kAccounts, kAudit, kMobile, kEmail},
                   {"a1", "record", "admin", "Ana", "executive", "mobile", "email"});
  EXPECT_EQ(reply.str, "ok");
  EXPECT_EQ(changed_keys(before),
            (std::set<std::string>{kAccount, kAccounts, kMobile, kEmail, kAudit}));
  EXPECT_EQ(redis().text({"GET", kAccount}), "record");
  EXPECT_EQ(redis().text({"GET", kEmail}), "a1");
  EXPECT_EQ(redis().text({"GET", kMobile}), "a1");
  const std::string audit = redis().text({"XRANGE", kAudit, "-", "+"});
  EXPECT_NE(audit.find("account.create"), std::string::npos);
  EXPECT_NE(audit.find("name=Ana role=executive"), std::string::npos);
}

TEST_P(AccountCreate, AnAddressOfAnotherAccountIsRefusedByItsFieldBeforeAnyWrite) {
  redis().command({"SET", kEmail, "a0"});
  const auto before = keyspace();
  auto reply = run(lua::account_create, {kAccount, kAccounts, kAudit, kMobile, kEmail},
                   {"a1", "record", "admin", "Ana", "executive", "mobile", "email"});
  EXPECT_EQ(reply.str, "email");
  EXPECT_TRUE(changed_keys(before).empty());
}

TEST_P(AccountCreate, WithTheEmailAloneOnlyItsClaimIsWritten) {
  const auto before = keyspace();
  auto reply = run(lua::account_create, {kAccount, kAccounts, kAudit, kEmail},
                   {"a1", "record", "admin", "Ana", "coordinator", "email"});
  EXPECT_EQ(reply.str, "ok");
  EXPECT_EQ(changed_keys(before), (std::set<std::string>{kAccount, kAccounts, kAudit, kEmail}));
}

TEST_P(AccountCreate, AnIdTakenIsRefusedBeforeAnyWrite) {
  redis().command({"SET", kAccount, "other"});
  const auto before = keyspace();
  auto reply = run(lua::account_create, {kAccount, kAccounts, kAudit},
                   {"a1", "record", "admin", "Ana", "coordinator"});
  EXPECT_EQ(reply.str, "id");
  EXPECT_TRUE(changed_keys(before).empty());
}
TOCSIN_SCRIPT_CONTRACT(AccountCreate);

class AccountDisable : public ScriptContract {};

TEST_P(AccountDisable, EndsEverySessionReplacesTheRecordAndAuditsTheCount) {
  redis().command({"SET", kAccount, "record"});
  redis().command({"HSET", kSession1, "account", "a1"});
  redis().command({"HSET", kSession2, "account", "a1"});
  redis().command({"SADD", kSessions, kSession1, kSession2});
  const auto before = keyspace();
  auto reply = run(lua::account_disable, {kAccount, kSessions, kAudit, kSession1, kSession2},
                   {"disabled record", "admin", "a1"});
  EXPECT_EQ(reply.str, "ok");
  EXPECT_EQ(changed_keys(before),
            (std::set<std::string>{kAccount, kSessions, kAudit, kSession1, kSession2}));
  EXPECT_EQ(redis().text({"GET", kAccount}), "disabled record");
  EXPECT_EQ(redis().integer({"EXISTS", kSession1, kSession2, kSessions}), 0);
  EXPECT_NE(redis().text({"XRANGE", kAudit, "-", "+"}).find("sessions_ended=2"),
            std::string::npos);
}

TEST_P(AccountDisable, ASessionTheCallerDidNotReadChangesNothingAndIsSaid) {
  // A sign-in between the caller's read of the set and the script.
  redis().command({"SET", kAccount, "record"});
  redis().command({"HSET", kSession1, "account", "a1"});
  redis().command({"HSET", kSession2, "account", "a1"});
  redis().command({"SADD", kSessions, kSession1, kSession2});
  const auto before = keyspace();
  auto reply = run(lua::account_disable, {kAccount, kSessions, kAudit, kSession1},
                   {"disabled record", "admin", "a1"});
  EXPECT_EQ(reply.str, "sessions_changed");
  EXPECT_TRUE(changed_keys(before).empty());
}

TEST_P(AccountDisable, AnAccountGoneIsNotFoundAndNothingChanges) {
  const auto before = keyspace();
  auto reply =
      run(lua::account_disable, {kAccount, kSessions, kAudit}, {"disabled record", "admin", "a1"});
  EXPECT_EQ(reply.str, "not_found");
  EXPECT_TRUE(changed_keys(before).empty());
}
TOCSIN_SCRIPT_CONTRACT(AccountDisable);

class SessionOpen : public ScriptContract {};

TEST_P(SessionOpen, OpensTheSessionForgetsTheExpiredOnesItWasGivenAndAudits) {
  redis().command({"SADD", kSessions, kSession2});  // expired: its key is gone
  const auto before = keyspace();
  auto reply = run(lua::session_open, {kSession1, kSessions, kAudit, kSession2},
                   {"a1", "999999", "60000", "Ana", "session=s1"});
  EXPECT_EQ(reply.integer, 1);
  EXPECT_EQ(changed_keys(before), (std::set<std::string>{kSession1, kSessions, kAudit}));
  EXPECT_EQ(redis().text({"HGET", kSession1, "account"}), "a1");
  EXPECT_GT(redis().integer({"PTTL", kSession1}), 50000);
  EXPECT_EQ(redis().text({"SMEMBERS", kSessions}), kSession1 + "\n");
  EXPECT_NE(redis().text({"XRANGE", kAudit, "-", "+"}).find("session.sign_in"),
            std::string::npos);
}

TEST_P(SessionOpen, ASessionAliveStaysInTheSet) {
  redis().command({"HSET", kSession2, "account", "a1"});
  redis().command({"SADD", kSessions, kSession2});
  run(lua::session_open, {kSession1, kSessions, kAudit, kSession2},
      {"a1", "999999", "60000", "Ana", "session=s1"});
  EXPECT_EQ(redis().integer({"SCARD", kSessions}), 2);
}
TOCSIN_SCRIPT_CONTRACT(SessionOpen);

class SessionsCloseAll : public ScriptContract {};

TEST_P(SessionsCloseAll, EndsEachSessionOnceAndCountsOnlyThoseAlive) {
  redis().command({"HSET", kSession1, "account", "a1"});
  redis().command({"SADD", kSessions, kSession1, kSession2});  // s2 expired by itself
  auto reply = run(lua::sessions_close_all, {kSessions, kAudit, kSession1, kSession2},
                   {"Ana", "a1"});
  EXPECT_EQ(reply.integer, 1);
  EXPECT_EQ(redis().integer({"EXISTS", kSession1, kSessions}), 0);
  EXPECT_NE(redis().text({"XRANGE", kAudit, "-", "+"}).find("sessions_ended=1"),
            std::string::npos);
}

TEST_P(SessionsCloseAll, ASessionTheCallerDidNotReadChangesNothingAndIsSaid) {
  redis().command({"HSET", kSession1, "account", "a1"});
  redis().command({"HSET", kSession2, "account", "a1"});
  redis().command({"SADD", kSessions, kSession1, kSession2});
  const auto before = keyspace();
  auto reply = run(lua::sessions_close_all, {kSessions, kAudit, kSession1}, {"Ana", "a1"});
  EXPECT_EQ(reply.integer, -1);
  EXPECT_TRUE(changed_keys(before).empty());
}

TEST_P(SessionsCloseAll, AnUntaggedMemberOfAnOlderDaemonDoesNotBlockIt) {
  // Not yet moved under {auth}: in another slot, left for the account check to refuse.
  redis().command({"HSET", kSession1, "account", "a1"});
  redis().command({"SADD", kSessions, kSession1, "session:old"});
  auto reply = run(lua::sessions_close_all, {kSessions, kAudit, kSession1}, {"Ana", "a1"});
  EXPECT_EQ(reply.integer, 1);
  EXPECT_EQ(redis().integer({"EXISTS", kSession1, kSessions}), 0);
}
TOCSIN_SCRIPT_CONTRACT(SessionsCloseAll);

}  // namespace
}  // namespace tocsin::auth
