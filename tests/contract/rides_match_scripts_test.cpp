// The contracts of a ride match's confirmation and undoing (daemon/rides/ride_confirm.lua,
// ride_undo.lua). Their keys are the alert's alone (the audit entry goes on its trail, which
// the caller relays), so they run on plain Redis and on a cluster.

#include <gtest/gtest.h>

#include "rides/ride_confirm.lua.h"
#include "rides/ride_undo.lua.h"
#include "tests/support/script_contract.h"

namespace tocsin::rides {
namespace {

using testing::ScriptContract;

const std::vector<std::string> kConfirmKeys{"alert:{a1}:rsvp",
                                            "alert:{a1}:seat",
                                            "alert:{a1}:rides",
                                            "alert:{a1}:riding",
                                            "alert:{a1}:car_load",
                                            "alert:{a1}:ride_seq",
                                            "alert:{a1}:audit"};
const std::vector<std::string> kUndoKeys{"alert:{a1}:rides", "alert:{a1}:riding",
                                         "alert:{a1}:car_load", "alert:{a1}:audit"};

// Driver d1 offers 3 seats; riders r1 and r2 ask for 2, as their RSVPs were read.
std::vector<std::string> confirm_args(const std::string& r2_rsvp = "yes|r2") {
  return {"d1", "yes|d1", "3", "2", "record", "Ana", "a1", "by=Ana", "r1", "yes|r1", "r2", r2_rsvp};
}

class RideConfirm : public ScriptContract {
 protected:
  void SetUp() override {
    ScriptContract::SetUp();
    redis().command({"HSET", "alert:{a1}:rsvp", "d1", "yes|d1", "r1", "yes|r1", "r2", "yes|r2"});
  }
};

TEST_P(RideConfirm, StoresTheMatchLinksTheRidersLoadsTheCarAndAudits) {
  const auto before = keyspace();
  auto reply = run(lua::ride_confirm, kConfirmKeys, confirm_args());
  EXPECT_EQ(reply.elements.at(0).str, "ok");
  EXPECT_EQ(reply.elements.at(1).str, "R1");
  EXPECT_EQ(changed_keys(before),
            (std::set<std::string>{"alert:{a1}:rides", "alert:{a1}:riding", "alert:{a1}:car_load",
                                   "alert:{a1}:ride_seq", "alert:{a1}:audit"}));
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:rides", "R1"}), "record");
  EXPECT_EQ(redis().text({"HMGET", "alert:{a1}:riding", "r1", "r2"}), "R1\nR1\n");
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:car_load", "d1"}), "2");
}

TEST_P(RideConfirm, AnythingChangedSinceItWasReadRefusesAndWritesNothing) {
  auto before = keyspace();
  auto changed = run(lua::ride_confirm, kConfirmKeys, confirm_args("no|r2"));
  EXPECT_EQ(changed.elements.at(0).str, "changed");
  EXPECT_EQ(changed.elements.at(1).str, "r2");
  EXPECT_TRUE(changed_keys(before).empty());

  redis().command({"HSET", "alert:{a1}:seat", "r1", "seat"});
  before = keyspace();
  EXPECT_EQ(run(lua::ride_confirm, kConfirmKeys, confirm_args()).elements.at(0).str, "seated");
  EXPECT_TRUE(changed_keys(before).empty());
  redis().command({"DEL", "alert:{a1}:seat"});

  redis().command({"HSET", "alert:{a1}:riding", "r2", "R9"});
  before = keyspace();
  EXPECT_EQ(run(lua::ride_confirm, kConfirmKeys, confirm_args()).elements.at(0).str, "matched");
  EXPECT_TRUE(changed_keys(before).empty());
  redis().command({"DEL", "alert:{a1}:riding"});

  redis().command({"HSET", "alert:{a1}:car_load", "d1", "2"});
  before = keyspace();
  auto full = run(lua::ride_confirm, kConfirmKeys, confirm_args());
  EXPECT_EQ(full.elements.at(0).str, "full");
  EXPECT_EQ(full.elements.at(1).str, "d1");
  EXPECT_TRUE(changed_keys(before).empty());
}
TOCSIN_SCRIPT_CONTRACT(RideConfirm);

class RideUndo : public ScriptContract {};

TEST_P(RideUndo, FreesTheRidersUnloadsTheCarAndAudits) {
  redis().command({"HSET", "alert:{a1}:rides", "R1", "record"});
  redis().command({"HSET", "alert:{a1}:riding", "r1", "R1", "r2", "R2"});
  redis().command({"HSET", "alert:{a1}:car_load", "d1", "2"});
  const auto before = keyspace();
  auto reply = run(lua::ride_undo, kUndoKeys,
                   {"R1", "record", "Ana", "a1", "by=Ana", "d1", "2", "r1", "r2"});
  EXPECT_EQ(reply.str, "ok");
  EXPECT_EQ(changed_keys(before),
            (std::set<std::string>{"alert:{a1}:rides", "alert:{a1}:riding", "alert:{a1}:car_load",
                                   "alert:{a1}:audit"}));
  // r2 rides in another match: kept.
  EXPECT_EQ(redis().text({"HGETALL", "alert:{a1}:riding"}), "r2\nR2\n");
  EXPECT_EQ(redis().integer({"EXISTS", "alert:{a1}:car_load"}), 0);
}

TEST_P(RideUndo, AMissingOrChangedMatchWritesNothing) {
  auto before = keyspace();
  EXPECT_EQ(run(lua::ride_undo, kUndoKeys, {"R1", "record", "Ana", "a1", "", "d1", "2"}).str,
            "missing");
  EXPECT_TRUE(changed_keys(before).empty());
  redis().command({"HSET", "alert:{a1}:rides", "R1", "other"});
  before = keyspace();
  EXPECT_EQ(run(lua::ride_undo, kUndoKeys, {"R1", "record", "Ana", "a1", "", "d1", "2"}).str,
            "changed");
  EXPECT_TRUE(changed_keys(before).empty());
}
TOCSIN_SCRIPT_CONTRACT(RideUndo);

}  // namespace
}  // namespace tocsin::rides
