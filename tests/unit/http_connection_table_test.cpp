#include "http/connection_table.h"

#include <gtest/gtest.h>

namespace tocsin::http {
namespace {

using namespace std::chrono_literals;
using Outcome = ConnectionTable::Outcome;
const ConnectionTable::Clock::time_point t0{};

TEST(ConnectionTable, AdmitsUpToTheCapsAndCountsPerClient) {
  ConnectionTable table(10, 2);
  EXPECT_EQ(table.admit("a", t0).outcome, Outcome::admitted);
  EXPECT_EQ(table.admit("a", t0).outcome, Outcome::admitted);
  EXPECT_EQ(table.admit("b", t0).outcome, Outcome::admitted);
  EXPECT_EQ(table.held_by("a"), 2u);
  EXPECT_EQ(table.held_by("b"), 1u);
  EXPECT_EQ(table.size(), 3u);
}

TEST(ConnectionTable, ClientAtItsCapIsRefusedAndOthersAreNot) {
  ConnectionTable table(10, 2);
  table.admit("a", t0);
  table.admit("a", t0);
  const auto refused = table.admit("a", t0);
  EXPECT_EQ(refused.outcome, Outcome::client_full);
  EXPECT_FALSE(refused.evicted);
  EXPECT_EQ(table.held_by("a"), 2u);
  EXPECT_EQ(table.admit("b", t0).outcome, Outcome::admitted);
}

TEST(ConnectionTable, ClosingFreesTheClientsPlace) {
  ConnectionTable table(10, 1);
  const auto first = table.admit("a", t0);
  EXPECT_EQ(table.admit("a", t0).outcome, Outcome::client_full);
  table.remove(first.id);
  EXPECT_EQ(table.held_by("a"), 0u);
  EXPECT_EQ(table.admit("a", t0).outcome, Outcome::admitted);
}

TEST(ConnectionTable, FullServerEvictsTheConnectionIdleLongest) {
  ConnectionTable table(3, 10);
  const auto a = table.admit("a", t0 + 1s);
  const auto b = table.admit("b", t0 + 2s);
  const auto c = table.admit("c", t0 + 3s);
  // a answered a request and waits for its next one since 5 s: b has waited longest.
  table.working(a.id);
  table.idle(a.id, t0 + 5s);
  const auto d = table.admit("d", t0 + 6s);
  EXPECT_EQ(d.outcome, Outcome::admitted);
  ASSERT_TRUE(d.evicted);
  EXPECT_EQ(*d.evicted, b.id);
  EXPECT_EQ(table.size(), 3u);
  EXPECT_EQ(table.held_by("b"), 0u) << "an evicted connection no longer counts for its client";
  const auto e = table.admit("e", t0 + 7s);
  ASSERT_TRUE(e.evicted);
  EXPECT_EQ(*e.evicted, c.id);
}

TEST(ConnectionTable, ConnectionsAtWorkAreNeverEvicted) {
  ConnectionTable table(2, 10);
  const auto a = table.admit("a", t0);
  const auto b = table.admit("b", t0 + 1s);
  table.working(a.id);  // a request under way, or a stream
  const auto c = table.admit("c", t0 + 2s);
  ASSERT_TRUE(c.evicted);
  EXPECT_EQ(*c.evicted, b.id);
  table.working(c.id);
  const auto d = table.admit("d", t0 + 3s);
  EXPECT_EQ(d.outcome, Outcome::server_full);
  EXPECT_FALSE(d.evicted);
  EXPECT_EQ(table.size(), 2u);
  EXPECT_EQ(table.idle_count(), 0u);
}

TEST(ConnectionTable, ClientCapIsCheckedBeforeEvicting) {
  ConnectionTable table(2, 1);
  table.admit("a", t0);
  table.admit("b", t0);
  EXPECT_EQ(table.admit("a", t0 + 1s).outcome, Outcome::client_full);
  EXPECT_EQ(table.size(), 2u) << "nobody was evicted for a refused connection";
}

TEST(ConnectionTable, CallsForAnEvictedConnectionAreIgnored) {
  ConnectionTable table(1, 10);
  const auto a = table.admit("a", t0);
  const auto b = table.admit("b", t0 + 1s);
  ASSERT_TRUE(b.evicted);
  // a's session ends later and reports as usual.
  table.working(a.id);
  table.idle(a.id, t0 + 2s);
  table.remove(a.id);
  EXPECT_EQ(table.size(), 1u);
  EXPECT_EQ(table.held_by("a"), 0u);
  EXPECT_EQ(table.held_by("b"), 1u);
  EXPECT_EQ(table.idle_count(), 1u);
}

TEST(ConnectionTable, EqualWaitsAreOrderedByArrival) {
  ConnectionTable table(2, 10);
  const auto a = table.admit("a", t0);
  table.admit("b", t0);
  const auto c = table.admit("c", t0);
  ASSERT_TRUE(c.evicted);
  EXPECT_EQ(*c.evicted, a.id);
}

}  // namespace
}  // namespace tocsin::http
