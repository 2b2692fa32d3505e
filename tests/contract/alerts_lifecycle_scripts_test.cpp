// The contracts of the alert store's scripts (daemon/alerts/alert_create.lua,
// alert_reserve_child.lua, alert_create_child.lua, alert_transition.lua): a change of an
// alert and its audit entry on the alert's own trail in one step, and nothing written when
// refused. Each touches the keys of one alert only (the code, the index and the global
// audit stream are written by the caller: alerts/alert_store.cpp, alerts/alert_relay.h), so
// they run on plain Redis and on a cluster.

#include <gtest/gtest.h>

#include "alerts/alert_create.lua.h"
#include "alerts/alert_create_child.lua.h"
#include "alerts/alert_reserve_child.lua.h"
#include "alerts/alert_transition.lua.h"
#include "tests/support/script_contract.h"

namespace tocsin::alerts {
namespace {

using testing::ScriptContract;

const std::vector<std::string> kCreateKeys{"alert:{a1}", "alert:{a1}:audit"};
const std::vector<std::string> kCreateArgs{"a1", "Ana", "code=A7", "state", "draft", "kind",
                                           "urgent"};

class AlertCreate : public ScriptContract {};

TEST_P(AlertCreate, WritesTheAlertAndItsAuditEntryOnItsTrail) {
  const auto before = keyspace();
  EXPECT_EQ(run(lua::alert_create, kCreateKeys, kCreateArgs).integer, 1);
  EXPECT_EQ(changed_keys(before), (std::set<std::string>{"alert:{a1}", "alert:{a1}:audit"}));
  EXPECT_EQ(redis().text({"HMGET", "alert:{a1}", "state", "kind"}), "draft\nurgent\n");
  const std::string trail = redis().text({"XRANGE", "alert:{a1}:audit", "-", "+"});
  EXPECT_NE(trail.find("alert.create"), std::string::npos);
  EXPECT_NE(trail.find("code=A7"), std::string::npos);
}

TEST_P(AlertCreate, ATakenIdWritesNothing) {
  redis().command({"HSET", "alert:{a1}", "state", "sent"});
  const auto before = keyspace();
  EXPECT_EQ(run(lua::alert_create, kCreateKeys, kCreateArgs).integer, 0);
  EXPECT_TRUE(changed_keys(before).empty());
}
TOCSIN_SCRIPT_CONTRACT(AlertCreate);

const std::vector<std::string> kReserveKeys{"alert:{p1}", "alert:{p1}:children",
                                            "alert:{p1}:audit"};
const std::vector<std::string> kReserveArgs{"wave:1", "c1", "tocsind", "parent=p1 wave:1"};

class AlertReserveChild : public ScriptContract {};

TEST_P(AlertReserveChild, ReservesTheSlotOnceWithTheParentsAuditEntry) {
  redis().command({"HSET", "alert:{p1}", "state", "sending"});
  const auto before = keyspace();
  auto reply = run(lua::alert_reserve_child, kReserveKeys, kReserveArgs);
  ASSERT_EQ(reply.elements.size(), 2u);
  EXPECT_EQ(reply.elements[0].str, "reserved");
  EXPECT_EQ(reply.elements[1].str, "c1");
  EXPECT_EQ(changed_keys(before),
            (std::set<std::string>{"alert:{p1}:children", "alert:{p1}:audit"}));
  EXPECT_EQ(redis().text({"HGET", "alert:{p1}:children", "wave:1"}), "c1");
  EXPECT_NE(redis().text({"XRANGE", "alert:{p1}:audit", "-", "+"}).find("alert.child_create"),
            std::string::npos);

  // Again (a wave run after a crash, or by a second daemon) with another id: the slot's.
  const auto after_first = keyspace();
  std::vector<std::string> args = kReserveArgs;
  args[1] = "c2";
  auto again = run(lua::alert_reserve_child, kReserveKeys, args);
  EXPECT_EQ(again.elements.at(0).str, "exists");
  EXPECT_EQ(again.elements.at(1).str, "c1");
  EXPECT_TRUE(changed_keys(after_first).empty());
}

TEST_P(AlertReserveChild, NoParentWritesNothing) {
  const auto before = keyspace();
  EXPECT_EQ(run(lua::alert_reserve_child, kReserveKeys, kReserveArgs).elements.at(0).str,
            "no_parent");
  EXPECT_TRUE(changed_keys(before).empty());
}
TOCSIN_SCRIPT_CONTRACT(AlertReserveChild);

const std::vector<std::string> kChildKeys{"alert:{c1}", "alert:{c1}:audit"};
const std::vector<std::string> kChildArgs{"c1",    "p1",       "tocsind", "parent=p1 wave:1",
                                          "state", "approved", "parent",  "p1"};

class AlertCreateChild : public ScriptContract {};

TEST_P(AlertCreateChild, CreatesTheChildOnceWithItsAuditEntry) {
  const auto before = keyspace();
  EXPECT_EQ(run(lua::alert_create_child, kChildKeys, kChildArgs).str, "created");
  EXPECT_EQ(changed_keys(before), (std::set<std::string>{"alert:{c1}", "alert:{c1}:audit"}));
  EXPECT_EQ(redis().text({"HMGET", "alert:{c1}", "state", "parent"}), "approved\np1\n");
  EXPECT_NE(redis().text({"XRANGE", "alert:{c1}:audit", "-", "+"}).find("alert.create"),
            std::string::npos);

  // Again (the reserved slot's child, written by a run a crash did not stop): nothing new.
  const auto after_first = keyspace();
  EXPECT_EQ(run(lua::alert_create_child, kChildKeys, kChildArgs).str, "exists");
  EXPECT_TRUE(changed_keys(after_first).empty());
}

TEST_P(AlertCreateChild, AnIdOfAnotherAlertWritesNothing) {
  redis().command({"HSET", "alert:{c1}", "state", "draft", "parent", "p9"});
  const auto before = keyspace();
  EXPECT_EQ(run(lua::alert_create_child, kChildKeys, kChildArgs).str, "taken");
  EXPECT_TRUE(changed_keys(before).empty());
}
TOCSIN_SCRIPT_CONTRACT(AlertCreateChild);

const std::vector<std::string> kTransitionKeys{"alert:{a1}", "alert:{a1}:audit"};

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
  EXPECT_EQ(changed_keys(before), (std::set<std::string>{"alert:{a1}", "alert:{a1}:audit"}));
  EXPECT_EQ(redis().text({"HMGET", "alert:{a1}", "state", "approved_by"}), "approved\nBo\n");
  EXPECT_NE(redis().text({"XRANGE", "alert:{a1}:audit", "-", "+"}).find("token=t2 from=draft"),
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
TOCSIN_SCRIPT_CONTRACT(AlertTransition);

}  // namespace
}  // namespace tocsin::alerts
