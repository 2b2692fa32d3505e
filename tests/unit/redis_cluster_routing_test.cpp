// Where a command goes in a Redis Cluster (redis/cluster_routing.h) and the slot map
// (redis/cluster_map.h), with no server: slots as Redis computes them (the same keys are
// checked against a real cluster's CLUSTER KEYSLOT in redis_cluster_client_test), the key
// each command is routed by, MOVED and ASK, a pipeline cut into groups of one slot.

#include <gtest/gtest.h>

#include "redis/cluster_map.h"
#include "redis/cluster_routing.h"

namespace tocsin::redis {
namespace {

TEST(RedisClusterSlot, KeysHashAsRedisHashesThem) {
  // Values from Redis's own CLUSTER KEYSLOT.
  EXPECT_EQ(key_slot("foo"), 12182);
  EXPECT_EQ(key_slot("123456789"), 12739);  // CRC-16/XMODEM's check value, 0x31C3
  EXPECT_EQ(key_slot(""), 0);
}

TEST(RedisClusterSlot, AHashTagIsWhatIsHashed) {
  EXPECT_EQ(key_slot("{alert:42}:jobs"), key_slot("alert:42"));
  EXPECT_EQ(key_slot("{alert:42}:jobs"), key_slot("{alert:42}:rsvp"));
  EXPECT_EQ(key_slot("a{b}{c}"), key_slot("b"));  // the first tag only
  // An empty or unclosed tag is no tag: the whole key is hashed.
  EXPECT_NE(key_slot("{}a"), key_slot("a"));
  EXPECT_NE(key_slot("a{b"), key_slot("b"));
}

TEST(RedisClusterRouting, MostCommandsAreRoutedByTheirFirstArgument) {
  EXPECT_EQ(routing_key({"GET", "k"}), "k");
  EXPECT_EQ(routing_key({"hmget", "h", "a", "b"}), "h");
  EXPECT_EQ(routing_key({"XADD", "s", "*", "f", "v"}), "s");
  EXPECT_EQ(routing_key({"GET"}), std::nullopt);
}

TEST(RedisClusterRouting, ScriptsStreamsAndSubcommandsFindTheirKey) {
  EXPECT_EQ(routing_key({"EVALSHA", "abc", "2", "{a}x", "{a}y", "arg"}), "{a}x");
  EXPECT_EQ(routing_key({"EVAL", "return 1", "0", "arg"}), std::nullopt);
  EXPECT_EQ(routing_key({"XREADGROUP", "GROUP", "g", "c", "COUNT", "10", "BLOCK", "100", "STREAMS",
                         "{q}:s", ">"}),
            "{q}:s");
  EXPECT_EQ(routing_key({"XGROUP", "CREATE", "{q}:s", "g", "$", "MKSTREAM"}), "{q}:s");
  EXPECT_EQ(routing_key({"XINFO", "STREAM", "{q}:s"}), "{q}:s");
}

TEST(RedisClusterRouting, CommandsOfNoKeyHaveNoSlot) {
  for (const Command& command : std::vector<Command>{{"PING"},
                                                     {"WAIT", "1", "1000"},
                                                     {"SCRIPT", "LOAD", "x"},
                                                     {"MULTI"},
                                                     {"EXEC"},
                                                     {"INFO"}}) {
    EXPECT_EQ(routing_key(command), std::nullopt) << command[0];
  }
}

TEST(RedisClusterRedirection, MovedAndAskNameASlotAndANode) {
  auto moved = parse_redirection("MOVED 3999 127.0.0.1:6381", "10.0.0.1");
  ASSERT_TRUE(moved);
  EXPECT_EQ(moved->kind, Redirection::Kind::moved);
  EXPECT_EQ(moved->slot, 3999);
  EXPECT_EQ(moved->node.host, "127.0.0.1");
  EXPECT_EQ(moved->node.port, 6381);
  auto ask = parse_redirection("ASK 12182 [::1]:7000", "x");
  ASSERT_TRUE(ask);
  EXPECT_EQ(ask->kind, Redirection::Kind::ask);
  EXPECT_EQ(ask->node.host, "[::1]");
  EXPECT_EQ(ask->node.port, 7000);
}

TEST(RedisClusterRedirection, AnEmptyHostIsTheNodeThatAnswered) {
  auto moved = parse_redirection("MOVED 1 :7002", "10.0.0.5");
  ASSERT_TRUE(moved);
  EXPECT_EQ(moved->node.host, "10.0.0.5");
}

TEST(RedisClusterRedirection, OtherErrorsAndMalformedOnesAreNone) {
  EXPECT_FALSE(parse_redirection("ERR unknown command", "h"));
  EXPECT_FALSE(parse_redirection("MOVED 16384 h:1", "h"));
  EXPECT_FALSE(parse_redirection("MOVED x h:1", "h"));
  EXPECT_FALSE(parse_redirection("MOVED 1 h", "h"));
  EXPECT_FALSE(parse_redirection("MOVED 1 h:0", "h"));
  EXPECT_FALSE(parse_redirection("MOVED 1", "h"));
  EXPECT_FALSE(parse_redirection("TRYAGAIN Multiple keys request during rehashing", "h"));
}

TEST(RedisClusterPipeline, CommandsOfOneSlotInARowAreOneGroup) {
  const std::vector<Command> commands{
      {"SET", "{a}1", "x"}, {"SET", "{a}2", "y"}, {"SET", "{b}1", "z"}, {"GET", "{a}1"}};
  const auto groups = plan_pipeline(commands);
  ASSERT_EQ(groups.size(), 3u);
  EXPECT_EQ(groups[0].first, 0u);
  EXPECT_EQ(groups[0].count, 2u);
  EXPECT_EQ(groups[0].slot, key_slot("a"));
  EXPECT_EQ(groups[1].slot, key_slot("b"));
  EXPECT_EQ(groups[2].first, 3u);
}

TEST(RedisClusterPipeline, ATransactionIsOneGroupRoutedByItsFirstKey) {
  const std::vector<Command> commands{{"GET", "{b}x"},  {"MULTI"}, {"INCR", "{a}1"},
                                      {"INCR", "{a}2"}, {"EXEC"},  {"WAIT", "1", "10"},
                                      {"GET", "{a}1"}};
  const auto groups = plan_pipeline(commands);
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[1].first, 1u);
  EXPECT_EQ(groups[1].count, 6u);  // the keyless WAIT and the same slot's GET join it
  EXPECT_EQ(groups[1].slot, key_slot("a"));
}

TEST(RedisClusterPipeline, KeylessCommandsFirstTakeTheSlotOfTheNextKey) {
  const auto groups = plan_pipeline({{"PING"}, {"GET", "{a}"}, {"PING"}});
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].slot, key_slot("a"));
  EXPECT_EQ(plan_pipeline({{"PING"}})[0].slot, -1);
}

Reply integer(int64_t value) {
  Reply reply;
  reply.type = Reply::Type::integer;
  reply.integer = value;
  return reply;
}

Reply string(std::string value) {
  Reply reply;
  reply.type = Reply::Type::string;
  reply.str = std::move(value);
  return reply;
}

Reply array(std::vector<Reply> elements) {
  Reply reply;
  reply.type = Reply::Type::array;
  reply.elements = std::move(elements);
  return reply;
}

Reply range(int64_t first, int64_t last, std::string host, int64_t port) {
  return array({integer(first), integer(last),
                array({string(std::move(host)), integer(port), string("id")}),
                array({string("127.0.0.1"), integer(port + 100), string("replica")})});
}

Endpoint asked() {
  Endpoint endpoint;
  endpoint.host = "127.0.0.9";
  endpoint.port = 7000;
  return endpoint;
}

TEST(RedisClusterMap, ClusterSlotsGivesEachSlotItsMaster) {
  std::string why;
  auto map =
      ClusterMap::parse(array({range(0, 5460, "127.0.0.1", 7001), range(5461, 10922, "", 7002),
                               range(10923, 16383, "127.0.0.1", 7003)}),
                        asked(), &why);
  ASSERT_TRUE(map) << why;
  ASSERT_EQ(map->masters().size(), 3u);
  EXPECT_EQ(map->unserved_slots(), 0);
  EXPECT_EQ(map->masters()[map->master_of(0)].port, 7001);
  EXPECT_EQ(map->masters()[map->master_of(5461)].host, "127.0.0.9");  // the node asked
  EXPECT_EQ(map->masters()[map->master_of(16383)].port, 7003);
}

TEST(RedisClusterMap, SlotsOfAnUnknownAddressAreUnserved) {
  std::string why;
  auto map = ClusterMap::parse(
      array({range(0, 99, "127.0.0.1", 7001), range(100, 16383, "?", 7002)}), asked(), &why);
  ASSERT_TRUE(map) << why;
  EXPECT_EQ(map->unserved_slots(), 16384 - 100);
  EXPECT_EQ(map->master_of(100), ClusterMap::kNoNode);
}

TEST(RedisClusterMap, ANodeThatIsNoClusterSaysWhy) {
  Reply error;
  error.type = Reply::Type::error;
  error.str = "ERR This instance has cluster support disabled";
  std::string why;
  EXPECT_FALSE(ClusterMap::parse(error, asked(), &why));
  EXPECT_NE(why.find("cluster support disabled"), std::string::npos) << why;
  EXPECT_NE(why.find("127.0.0.9:7000"), std::string::npos) << why;
  EXPECT_FALSE(ClusterMap::parse(array({}), asked(), &why));
  EXPECT_NE(why.find("serves no slot"), std::string::npos) << why;
  EXPECT_FALSE(ClusterMap::parse(array({range(5, 16384, "h", 1)}), asked(), &why));
  EXPECT_FALSE(ClusterMap::parse(array({array({integer(1)})}), asked(), &why));
}

TEST(RedisClusterMap, AMovedSlotChangesOnlyThatSlot) {
  std::string why;
  auto map = ClusterMap::parse(array({range(0, 16383, "127.0.0.1", 7001)}), asked(), &why);
  ASSERT_TRUE(map);
  const ClusterMap before = *map;
  Endpoint other;
  other.host = "127.0.0.1";
  other.port = 7002;
  map->move(42, other);
  EXPECT_EQ(map->masters()[map->master_of(42)].port, 7002);
  EXPECT_EQ(map->masters()[map->master_of(43)].port, 7001);
  EXPECT_FALSE(*map == before);
  map->move(42, before.masters()[0]);
  EXPECT_TRUE(*map == before);  // the same slots on the same masters
}

}  // namespace
}  // namespace tocsin::redis
