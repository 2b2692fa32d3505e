// The contracts of the alert store's scripts (daemon/alerts/alert_create.lua,
// alert_create_child.lua, alert_transition.lua): a change of an alert and its audit entries
// in one step, and nothing written when refused. Their keys cross slots (the global audit
// stream and the alerts index beside the alert's keys; a child's keys beside its parent's;
// the code's key), so they run on plain Redis only.

#include <gtest/gtest.h>

#include "alerts/alert_create.lua.h"
#include "alerts/alert_create_child.lua.h"
#include "alerts/alert_transition.lua.h"
#include "tests/support/script_contract.h"

namespace tocsin::alerts {
namespace {

using testing::ScriptContract;

const std::vector<std::string> kCreateKeys{"alert:{a1}", "alerts", "alert:code:A7", "audit",
                                           "alert:{a1}:audit"};
const std::vector<std::string> kCreateArgs{"a1",    "1000",  "Ana",  "code=A7",
                                           "state", "draft", "kind", "urgent"};

class AlertCreate : public ScriptContract {};

TEST_P(AlertCreate, WritesTheAlertItsIndexItsCodeAndBothAuditEntries) {
  const auto before = keyspace();
  EXPECT_EQ(run(lua::alert_create, kCreateKeys, kCreateArgs).integer, 1);
  EXPECT_EQ(changed_keys(before), (std::set<std::string>{"alert:{a1}", "alerts", "alert:code:A7",
                                                         "audit", "alert:{a1}:audit"}));
  EXPECT_EQ(redis().text({"HMGET", "alert:{a1}", "state", "kind"}), "draft\nurgent\n");
  EXPECT_EQ(redis().text({"ZSCORE", "alerts", "a1"}), "1000");
  EXPECT_EQ(redis().text({"GET", "alert:code:A7"}), "a1");
  EXPECT_NE(redis().text({"XRANGE", "alert:{a1}:audit", "-", "+"}).find("alert.create"),
            std::string::npos);
  EXPECT_EQ(redis().integer({"XLEN", "audit"}), 1);
}

TEST_P(AlertCreate, ATakenIdOrCodeWritesNothing) {
  redis().command({"SET", "alert:code:A7", "other"});
  auto before = keyspace();
  EXPECT_EQ(run(lua::alert_create, kCreateKeys, kCreateArgs).integer, 0);
  EXPECT_TRUE(changed_keys(before).empty());
  redis().command({"DEL", "alert:code:A7"});
  redis().command({"HSET", "alert:{a1}", "state", "sent"});
  before = keyspace();
  EXPECT_EQ(run(lua::alert_create, kCreateKeys, kCreateArgs).integer, 0);
  EXPECT_TRUE(changed_keys(before).empty());
}
TOCSIN_SCRIPT_CONTRACT_STANDALONE_ONLY(AlertCreate);

const std::vector<std::string> kChildKeys{"alert:{c1}",      "alerts",     "alert:{p1}:children",
                                          "audit",           "alert:{p1}", "alert:{p1}:audit",
                                          "alert:{c1}:audit"};
const std::vector<std::string> kChildArgs{"c1",     "2000",  "tocsind", "parent=p1 wave:1",
                                          "wave:1", "state", "approved"};

class AlertCreateChild : public ScriptContract {};

TEST_P(AlertCreateChild, CreatesTheChildOncePerSlotOfItsParent) {
  redis().command({"HSET", "alert:{p1}", "state", "sending"});
  const auto before = keyspace();
  auto reply = run(lua::alert_create_child, kChildKeys, kChildArgs);
  ASSERT_EQ(reply.elements.size(), 2u);
  EXPECT_EQ(reply.elements[0].str, "created");
  EXPECT_EQ(reply.elements[1].str, "c1");
  EXPECT_EQ(changed_keys(before),
            (std::set<std::string>{"alert:{c1}", "alerts", "alert:{p1}:children", "audit",
                                   "alert:{p1}:audit", "alert:{c1}:audit"}));
  EXPECT_EQ(redis().text({"HGET", "alert:{p1}:children", "wave:1"}), "c1");
  EXPECT_NE(redis().text({"XRANGE", "alert:{p1}:audit", "-", "+"}).find("alert.child_create"),
            std::string::npos);

  // Again (a wave run after a crash), even with another id: the slot's child, nothing new.
  const auto after_first = keyspace();
  std::vector<std::string> keys = kChildKeys;
  keys[0] = "alert:{c2}";
  keys[6] = "alert:{c2}:audit";
  std::vector<std::string> args = kChildArgs;
  args[0] = "c2";
  auto again = run(lua::alert_create_child, keys, args);
  EXPECT_EQ(again.elements.at(0).str, "exists");
  EXPECT_EQ(again.elements.at(1).str, "c1");
  EXPECT_TRUE(changed_keys(after_first).empty());
}

TEST_P(AlertCreateChild, NoParentOrATakenIdWritesNothing) {
  auto before = keyspace();
  EXPECT_EQ(run(lua::alert_create_child, kChildKeys, kChildArgs).elements.at(0).str, "no_parent");
  EXPECT_TRUE(changed_keys(before).empty());
  redis().command({"HSET", "alert:{p1}", "state", "sending"});
  redis().command({"HSET", "alert:{c1}", "state", "draft"});
  before = keyspace();
  EXPECT_EQ(run(lua::alert_create_child, kChildKeys, kChildArgs).elements.at(0).str, "taken");
  EXPECT_TRUE(changed_keys(before).empty());
}
TOCSIN_SCRIPT_CONTRACT_STANDALONE_ONLY(AlertCreateChild);

const std::vector<std::string> kTransitionKeys{"alert:{a1}", "audit", "alert:{a1}:audit"};

std::vector<std::string> approve_args(const std::string& refused_token = "") {
  return {"a1",       ",draft,",     "approved",    "Bo", "alert.approve",
          "token=t2", refused_token, "approved_by", "Bo"};
}

class AlertTransition : public ScriptContract {};

TEST_P(AlertTransition, MovesTheStateWritesTheFieldsAndAuditsThePreviousState) {
  redis().command({"HSET", "alert:{a1}", "state", "draft", "created_by_token", "t1"});
  const auto before = keyspace();
  auto reply = run(lua::alert_transition, kTransitionKeys, approve_args("t2x"));
  EXPECT_EQ(reply.elements.at(0).str, "ok");
  EXPECT_EQ(reply.elements.at(1).str, "draft");
  EXPECT_EQ(changed_keys(before),
            (std::set<std::string>{"alert:{a1}", "audit", "alert:{a1}:audit"}));
  EXPECT_EQ(redis().text({"HMGET", "alert:{a1}", "state", "approved_by"}), "approved\nBo\n");
  EXPECT_NE(redis().text({"XRANGE", "audit", "-", "+"}).find("token=t2 from=draft"),
            std::string::npos);
}

TEST_P(AlertTransition, RefusalsWriteNothing) {
  auto before = keyspace();
  EXPECT_EQ(run(lua::alert_transition, kTransitionKeys, approve_args()).elements.at(0).str,
            "missing");
  EXPECT_TRUE(changed_keys(before).empty());

  redis().command({"HSET", "alert:{a1}", "state", "sent", "created_by_token", "t1"});
  before = keyspace();
  auto wrong = run(lua::alert_transition, kTransitionKeys, approve_args());
  EXPECT_EQ(wrong.elements.at(0).str, "wrong_state");
  EXPECT_EQ(wrong.elements.at(1).str, "sent");
  EXPECT_TRUE(changed_keys(before).empty());

  redis().command({"HSET", "alert:{a1}", "state", "draft"});
  before = keyspace();
  EXPECT_EQ(run(lua::alert_transition, kTransitionKeys, approve_args("t1")).elements.at(0).str,
            "creator");
  EXPECT_TRUE(changed_keys(before).empty());
}
TOCSIN_SCRIPT_CONTRACT_STANDALONE_ONLY(AlertTransition);

}  // namespace
}  // namespace tocsin::alerts
