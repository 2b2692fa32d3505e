// The contracts of the event stream's scripts (daemon/events/*.lua): the turnout's next
// entry, and the milestones (targets and quorums reached), each told once.

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "events/milestones.h"
#include "events/milestones.lua.h"
#include "events/publish_script.h"
#include "events/publish_turnout.lua.h"
#include "tests/support/script_contract.h"

namespace tocsin::events {
namespace {

using testing::ScriptContract;

class PublishTurnout : public ScriptContract {
 protected:
  void SetUp() override {
    ScriptContract::SetUp();
    redis().command({"SET", "alert:{a1}:turnout_version", "3"});
    redis().command({"HSET", "alert:{a1}:tally", "est|all|yes", "2", "est|all|no", "0"});
    redis().command({"HSET", "alert:{a1}:reach", "est|all|targeted", "5"});
    redis().command({"HSET", "alert:{a1}:day", "est|all|present", "1"});
  }
  redis::Reply publish(const std::string& interval_ms, const std::string& most_moved = "1000") {
    return run(lua::publish_turnout, publish_turnout_keys("a1"),
               {interval_ms, "1000", "100", most_moved});
  }
};

TEST_P(PublishTurnout, WritesTheCountsThatChangedAndRemembersThem) {
  const auto before = keyspace();
  auto reply = publish("0");
  ASSERT_EQ(reply.elements.size(), 4u) << reply.str;
  EXPECT_EQ(reply.elements[0].integer, 2);
  EXPECT_EQ(reply.elements[1].str, "3");
  EXPECT_EQ(reply.elements[3].integer, 4);  // fields compared: 4 counts, none published
  EXPECT_EQ(changed_keys(before),
            (std::set<std::string>{"alert:{a1}:published", "alert:{a1}:events"}));
  // "0" counts as absent: not written.
  const std::string entry = redis().text({"XRANGE", "alert:{a1}:events", "-", "+"});
  EXPECT_NE(entry.find("est|all|yes\n2\n"), std::string::npos) << entry;
  EXPECT_EQ(entry.find("est|all|no"), std::string::npos) << entry;
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:published", "est|all|yes"}), "2");
  EXPECT_EQ(redis().integer({"HEXISTS", "alert:{a1}:published", "est|all|no"}), 0);
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:published", "#version"}), "3");
}

TEST_P(PublishTurnout, AVersionAlreadyPublishedChangesNothing) {
  publish("0");
  const auto before = keyspace();
  auto reply = publish("0");
  ASSERT_EQ(reply.elements.size(), 4u) << reply.str;
  EXPECT_EQ(reply.elements[0].integer, 0);
  EXPECT_EQ(reply.elements[3].integer, 0);
  EXPECT_TRUE(changed_keys(before).empty());
}

TEST_P(PublishTurnout, TooSoonAfterTheLastEntryItSaysHowLongToWaitAndChangesNothing) {
  publish("0");
  redis().command({"INCR", "alert:{a1}:turnout_version"});
  redis().command({"HSET", "alert:{a1}:tally", "est|all|yes", "3"});
  const auto before = keyspace();
  auto reply = publish("600000");
  ASSERT_EQ(reply.elements.size(), 4u) << reply.str;
  EXPECT_EQ(reply.elements[0].integer, 1);
  EXPECT_GT(std::stoll(reply.elements[2].str), 0);
  EXPECT_TRUE(changed_keys(before).empty());
}

TEST_P(PublishTurnout, AFieldGoneIsWrittenAsZeroAndForgotten) {
  publish("0");
  redis().command({"INCR", "alert:{a1}:turnout_version"});
  redis().command({"HDEL", "alert:{a1}:day", "est|all|present"});
  auto reply = publish("0");
  EXPECT_EQ(reply.elements.at(0).integer, 2);
  const std::string last = redis().text({"XREVRANGE", "alert:{a1}:events", "+", "-", "COUNT", "1"});
  EXPECT_NE(last.find("est|all|present\n0\n"), std::string::npos) << last;
  EXPECT_EQ(redis().integer({"HEXISTS", "alert:{a1}:published", "est|all|present"}), 0);
}
// As turnout/reach_lib.lua's writers do: the count written, its field noted as moved, and
// both versions moved.
void write_tracked(testing::RedisSync& redis, const std::string& hash, const std::string& field,
                   const std::string& value) {
  if (value.empty()) {
    redis.command({"HDEL", "alert:{a1}:" + hash, field});
  } else {
    redis.command({"HSET", "alert:{a1}:" + hash, field, value});
  }
  redis.command({"SADD", "alert:{a1}:" + hash + ":moved", field});
  redis.command({"INCR", "alert:{a1}:turnout_version"});
  redis.command({"INCR", "alert:{a1}:turnout_tracked"});
}

TEST_P(PublishTurnout, AfterTheFirstEntryOnlyTheFieldsNotedAsMovedAreCompared) {
  publish("0");
  write_tracked(redis(), "tally", "est|all|yes", "3");
  write_tracked(redis(), "reach", "est|all|sent", "4");
  const auto before = keyspace();
  auto reply = publish("0");
  ASSERT_EQ(reply.elements.size(), 4u) << reply.str;
  EXPECT_EQ(reply.elements[0].integer, 2);
  EXPECT_EQ(reply.elements[3].integer, 2) << "the two moved fields, not the alert's five";
  const std::string last = redis().text({"XREVRANGE", "alert:{a1}:events", "+", "-", "COUNT", "1"});
  EXPECT_NE(last.find("est|all|yes\n3\n"), std::string::npos) << last;
  EXPECT_NE(last.find("est|all|sent\n4\n"), std::string::npos) << last;
  EXPECT_EQ(last.find("est|all|targeted"), std::string::npos) << "unchanged: " << last;
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:published", "est|all|yes"}), "3");
  EXPECT_EQ(changed_keys(before),
            (std::set<std::string>{"alert:{a1}:published", "alert:{a1}:events",
                                   "alert:{a1}:tally:moved", "alert:{a1}:reach:moved"}));
  EXPECT_EQ(redis().integer({"EXISTS", "alert:{a1}:tally:moved", "alert:{a1}:reach:moved"}), 0);
}

TEST_P(PublishTurnout, MoreMovedFieldsThanACallComparesArePublishedOverTheNextCalls) {
  publish("0");
  write_tracked(redis(), "tally", "est|all|yes", "3");
  write_tracked(redis(), "reach", "est|all|sent", "4");
  // The last entry long ago; the interval below is 10 minutes.
  redis().command({"HSET", "alert:{a1}:published", "#at_ms", "0"});
  auto first = publish("600000", "1");
  EXPECT_EQ(first.elements.at(0).integer, 2);
  EXPECT_EQ(first.elements.at(1).str, "3") << "the version before: a field is left";
  EXPECT_EQ(first.elements.at(3).integer, 1);
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:published", "#version"}), "3");
  // Not noted as an entry's time: the next run goes on with the rest at once.
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:published", "#at_ms"}), "0");
  auto second = publish("600000", "1");
  EXPECT_EQ(second.elements.at(0).integer, 2) << "not held back as too soon";
  EXPECT_EQ(second.elements.at(1).str, "5");
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:published", "#version"}), "5");
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:published", "est|all|yes"}), "3");
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:published", "est|all|sent"}), "4");
  EXPECT_EQ(redis().integer({"XLEN", "alert:{a1}:events"}), 3);
  // The whole version out: the next change waits for the interval again.
  write_tracked(redis(), "tally", "est|all|yes", "6");
  EXPECT_EQ(publish("600000", "1").elements.at(0).integer, 1);
}

TEST_P(PublishTurnout, AMovedFieldGoneIsWrittenAsZeroAndForgotten) {
  publish("0");
  write_tracked(redis(), "day", "est|all|present", "");
  auto reply = publish("0");
  EXPECT_EQ(reply.elements.at(0).integer, 2);
  EXPECT_EQ(reply.elements.at(3).integer, 1);
  const std::string last = redis().text({"XREVRANGE", "alert:{a1}:events", "+", "-", "COUNT", "1"});
  EXPECT_NE(last.find("est|all|present\n0\n"), std::string::npos) << last;
  EXPECT_EQ(redis().integer({"HEXISTS", "alert:{a1}:published", "est|all|present"}), 0);
}

TEST_P(PublishTurnout, FieldsMovedBackToTheirPublishedValueWriteNoEntry) {
  publish("0");
  write_tracked(redis(), "tally", "est|all|yes", "3");
  write_tracked(redis(), "tally", "est|all|yes", "2");
  auto reply = publish("0");
  EXPECT_EQ(reply.elements.at(0).integer, 0);
  EXPECT_EQ(redis().integer({"XLEN", "alert:{a1}:events"}), 1);
  EXPECT_EQ(redis().text({"HGET", "alert:{a1}:published", "#version"}), "5");
  EXPECT_EQ(redis().integer({"EXISTS", "alert:{a1}:tally:moved"}), 0);
}

TEST_P(PublishTurnout, AChangeNotNotedAsMovedIsFoundByComparingEverything) {
  publish("0");
  write_tracked(redis(), "tally", "est|all|yes", "3");
  // An older tocsind's write: the count and the version, no field noted.
  redis().command({"HSET", "alert:{a1}:reach", "est|all|targeted", "6"});
  redis().command({"INCR", "alert:{a1}:turnout_version"});
  auto reply = publish("0");
  EXPECT_EQ(reply.elements.at(0).integer, 2);
  EXPECT_GE(reply.elements.at(3).integer, 4) << "every field compared";
  const std::string last = redis().text({"XREVRANGE", "alert:{a1}:events", "+", "-", "COUNT", "1"});
  EXPECT_NE(last.find("est|all|yes\n3\n"), std::string::npos) << last;
  EXPECT_NE(last.find("est|all|targeted\n6\n"), std::string::npos) << last;
  // Then back to comparing only what moved.
  write_tracked(redis(), "tally", "est|all|yes", "4");
  reply = publish("0");
  EXPECT_EQ(reply.elements.at(0).integer, 2);
  EXPECT_EQ(reply.elements.at(3).integer, 1);
}
TOCSIN_SCRIPT_CONTRACT(PublishTurnout);

class Milestones : public ScriptContract {
 protected:
  redis::Reply check(std::vector<std::string> goal) {
    goal.insert(goal.begin(), "1000");
    return run(lua::milestones, milestone_keys("a1"), goal);
  }
};

TEST_P(Milestones, ARegionTargetReachedIsToldOnce) {
  redis().command({"HSET", "alert:{a1}:tally", "est|all|yes", "3"});
  const auto before = keyspace();
  EXPECT_EQ(check({"target", "region", "est", "3", "Est"}).integer, 1);
  EXPECT_EQ(changed_keys(before),
            (std::set<std::string>{"alert:{a1}:milestones", "alert:{a1}:events"}));
  const std::string entry = redis().text({"XRANGE", "alert:{a1}:events", "-", "+"});
  EXPECT_NE(entry.find("\"kind\":\"target\""), std::string::npos) << entry;
  EXPECT_NE(entry.find("#region\nest\n"), std::string::npos) << entry;

  const auto after = keyspace();
  EXPECT_EQ(check({"target", "region", "est", "3", "Est"}).integer, 0);
  EXPECT_TRUE(changed_keys(after).empty());
}

TEST_P(Milestones, AGoalNotReachedChangesNothing) {
  redis().command({"HSET", "alert:{a1}:tally", "est|all|yes", "2"});
  redis().command({"HSET", "alert:{a1}:day", "est|all|present", "1"});
  const auto before = keyspace();
  EXPECT_EQ(
      check({"target", "region", "est", "3", "Est", "quorum", "region", "est", "2", "Est"}).integer,
      0);
  EXPECT_TRUE(changed_keys(before).empty());
}

TEST_P(Milestones, ASectorQuorumSumsItsFieldsOverTheRegions) {
  redis().command({"SADD", "alert:{a1}:regions", "est", "laval"});
  redis().command({"HSET", "alert:{a1}:day", "est|sector:sante|present", "1",
                   "laval|sector:sante|present", "2"});
  const auto before = keyspace();
  EXPECT_EQ(check({"quorum", "sector", "sante", "3", "Santé"}).integer, 1);
  EXPECT_EQ(changed_keys(before),
            (std::set<std::string>{"alert:{a1}:milestones", "alert:{a1}:events"}));
  EXPECT_EQ(redis().integer({"HEXISTS", "alert:{a1}:milestones", "quorum|sector|sante"}), 1);
}
TOCSIN_SCRIPT_CONTRACT(Milestones);

}  // namespace
}  // namespace tocsin::events
