// The segment window on a fake clock: what fits, how long until more fits, a message larger
// than the limit going alone, the millisecond grain, and no window of its span ever over
// the limit under a greedy sender of mixed sizes.

#include "dispatch/segment_window.h"

#include <gtest/gtest.h>

#include <chrono>
#include <deque>
#include <stdexcept>

namespace tocsin::dispatch {
namespace {

using namespace std::chrono_literals;
using Clock = SegmentWindow::Clock;

const Clock::time_point t0{std::chrono::hours{1}};

long long us(Clock::duration d) {
  return std::chrono::duration_cast<std::chrono::microseconds>(d).count();
}

TEST(DispatchSegmentWindow, TakesUpToTheLimitThenWaitsForTheOldestToLeave) {
  SegmentWindow window(10, 1s);
  for (int i = 0; i < 10; ++i) {
    ASSERT_EQ(window.wait_for(1, t0 + i * 10ms), Clock::duration::zero()) << i;
    window.take(1, t0 + i * 10ms);
  }
  EXPECT_DOUBLE_EQ(window.in_window(t0 + 95ms), 10);
  // Full: the next segment fits when the first take (at t0) leaves, 1 s after it.
  EXPECT_EQ(us(window.wait_for(1, t0 + 100ms)), us(900ms));
  // Three segments need the first three takes gone.
  EXPECT_EQ(us(window.wait_for(3, t0 + 100ms)), us(920ms));
  EXPECT_EQ(window.wait_for(1, t0 + 1s), Clock::duration::zero());
  EXPECT_DOUBLE_EQ(window.in_window(t0 + 1s), 9);
}

TEST(DispatchSegmentWindow, AMessageLargerThanTheLimitGoesAloneIntoAnEmptyWindow) {
  SegmentWindow window(3, 1s);
  EXPECT_EQ(window.wait_for(5, t0), Clock::duration::zero());
  window.take(5, t0);
  EXPECT_EQ(us(window.wait_for(1, t0 + 1ms)), us(999ms));
  window.take(1, t0 + 1s);
  // Not empty: the 5 waits until the window is.
  EXPECT_EQ(us(window.wait_for(5, t0 + 1s + 10ms)), us(990ms));
}

TEST(DispatchSegmentWindow, TakesWithinAMillisecondShareOneEntryCountedFromTheLast) {
  SegmentWindow window(4, 100ms);
  window.take(2, t0);
  window.take(2, t0 + 500us);
  // Counted as if both were taken at t0 + 500 us: a little too long, never too short.
  EXPECT_DOUBLE_EQ(window.in_window(t0 + 100ms), 4);
  EXPECT_DOUBLE_EQ(window.in_window(t0 + 100ms + 500us), 0);
  EXPECT_EQ(us(window.wait_for(1, t0 + 50ms)), us(50ms + 500us));
}

TEST(DispatchSegmentWindow, NoWindowIsEverOverTheLimitUnderAGreedySender) {
  // A sender that takes whatever fits, at 100 us steps, texts of 1 to 4 segments; every
  // window of the span, checked from the sender's own record, holds at most the limit.
  const double limit = 50;
  SegmentWindow window(limit, 1010ms);
  std::deque<std::pair<Clock::time_point, int>> sent;
  int in_span = 0;
  long total = 0;
  int next = 0;
  for (Clock::time_point now = t0; now < t0 + 30s; now += 100us) {
    for (;;) {
      const int segments = 1 + next % 4;
      if (window.wait_for(segments, now) != Clock::duration::zero()) break;
      window.take(segments, now);
      sent.emplace_back(now, segments);
      in_span += segments;
      total += segments;
      ++next;
      while (sent.front().first + 1010ms <= now) {
        in_span -= sent.front().second;
        sent.pop_front();
      }
      ASSERT_LE(in_span, limit) << "at " << us(now - t0) << " us";
    }
  }
  // And the limit is used: the window holds back nothing it need not.
  EXPECT_GE(total, static_cast<long>(limit * 29));
}

TEST(DispatchSegmentWindow, RejectsNonsenseConfiguration) {
  EXPECT_THROW(SegmentWindow(0, 1s), std::invalid_argument);
  EXPECT_THROW(SegmentWindow(-1, 1s), std::invalid_argument);
  EXPECT_THROW(SegmentWindow(10, 0s), std::invalid_argument);
}

}  // namespace
}  // namespace tocsin::dispatch
