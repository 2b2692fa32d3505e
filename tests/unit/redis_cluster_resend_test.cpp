// What the cluster client sends again after a node's answers (redis/cluster_resend.h), with
// no server: after MOVED every redirected command, after ASK only those whose keys had
// left (each after ASKING), a transaction whole and asked once; TRYAGAIN and CLUSTERDOWN
// said as such.

#include <gtest/gtest.h>

#include "redis/cluster_resend.h"

namespace tocsin::redis {
namespace {

Reply status(std::string text) {
  Reply reply;
  reply.type = Reply::Type::status;
  reply.str = std::move(text);
  return reply;
}

Reply error(std::string text) {
  Reply reply;
  reply.type = Reply::Type::error;
  reply.str = std::move(text);
  return reply;
}

std::vector<size_t> all(size_t n) {
  std::vector<size_t> indices;
  for (size_t i = 0; i < n; ++i) indices.push_back(i);
  return indices;
}

TEST(RedisClusterResend, AfterMovedEveryRedirectedCommandGoesAgain) {
  const std::vector<Command> group{{"SET", "{a}1", "x"}, {"GET", "{a}1"}, {"PING"}};
  const auto out = outgoing(group, all(3), false);
  ASSERT_EQ(out.commands, group);
  const auto verdict = judge(
      group, out.origin,
      {error("MOVED 5 10.0.0.2:7001"), error("MOVED 5 10.0.0.2:7001"), status("PONG")}, "10.0.0.1");
  EXPECT_EQ(verdict.again, (std::vector<size_t>{0, 1}));
  ASSERT_TRUE(verdict.redirection);
  EXPECT_EQ(verdict.redirection->kind, Redirection::Kind::moved);
  EXPECT_EQ(verdict.redirection->node.port, 7001);
  EXPECT_FALSE(verdict.try_again);
  EXPECT_FALSE(verdict.cluster_down);
}

TEST(RedisClusterResend, AfterAskOnlyTheKeysThatLeftGoAgainEachAfterAsking) {
  const std::vector<Command> group{{"GET", "{a}old"}, {"SET", "{a}new", "x"}, {"GET", "{a}gone"}};
  const auto verdict = judge(
      group, {0, 1, 2}, {status("here"), error("ASK 5 :7002"), error("ASK 5 :7002")}, "10.0.0.1");
  EXPECT_EQ(verdict.again, (std::vector<size_t>{1, 2}));
  ASSERT_TRUE(verdict.redirection);
  EXPECT_EQ(verdict.redirection->kind, Redirection::Kind::ask);
  EXPECT_EQ(verdict.redirection->node.host, "10.0.0.1");  // the node that answered
  const auto again = outgoing(group, verdict.again, true);
  EXPECT_EQ(again.commands, (std::vector<Command>{{"ASKING"}, group[1], {"ASKING"}, group[2]}));
  EXPECT_EQ(again.origin, (std::vector<size_t>{kAsking, 1, kAsking, 2}));
  // The answers to ASKING are not the group's.
  const auto after =
      judge(group, again.origin, {status("OK"), status("OK"), status("OK"), status("x")}, "h");
  EXPECT_TRUE(after.again.empty());
}

TEST(RedisClusterResend, ATransactionGoesAgainWholeAndIsAskedOnce) {
  const std::vector<Command> group{{"MULTI"}, {"INCR", "{a}1"}, {"INCR", "{a}2"}, {"EXEC"}};
  const auto verdict = judge(group, {0, 1, 2, 3},
                             {status("OK"), error("ASK 5 h:2"), status("QUEUED"),
                              error("EXECABORT Transaction discarded because of previous errors.")},
                             "h");
  EXPECT_EQ(verdict.again, all(4));
  const auto again = outgoing(group, verdict.again, true);
  EXPECT_EQ(again.commands,
            (std::vector<Command>{{"ASKING"}, {"MULTI"}, group[1], group[2], {"EXEC"}}));
}

TEST(RedisClusterResend, ATransactionThatRanStaysWhileACommandBesideItGoesAgain) {
  const std::vector<Command> group{{"GET", "{a}x"}, {"MULTI"}, {"INCR", "{a}1"}, {"EXEC"}};
  Reply done;
  done.type = Reply::Type::array;
  const auto verdict =
      judge(group, all(4), {error("MOVED 5 h:2"), status("OK"), status("QUEUED"), done}, "h");
  EXPECT_EQ(verdict.again, (std::vector<size_t>{0}));
}

TEST(RedisClusterResend, TryAgainAndClusterDownAreSaid) {
  const std::vector<Command> group{{"MGET", "{a}1", "{a}2"}, {"GET", "{a}3"}};
  const auto busy =
      judge(group, all(2),
            {error("TRYAGAIN Multiple keys request during rehashing of slot"), status("v")}, "h");
  EXPECT_TRUE(busy.try_again);
  EXPECT_FALSE(busy.redirection);
  EXPECT_EQ(busy.again, (std::vector<size_t>{0}));
  const auto down =
      judge(group, all(2), {error("CLUSTERDOWN The cluster is down"), status("v")}, "h");
  EXPECT_TRUE(down.cluster_down);
  EXPECT_TRUE(down.again.empty());
}

}  // namespace
}  // namespace tocsin::redis
