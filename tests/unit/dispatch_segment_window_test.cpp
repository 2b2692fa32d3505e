// The segment window on a fake clock: what a send counts for and how long (a span plus its
// round trip, at most plus the arrival spread; until answered while in flight), and its
// guarantee: under the arrival model of segment_window.h, no second of the provider's
// arrival times holds more than the limit, with the rate still nearly all used.

#include "dispatch/segment_window.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <queue>
#include <random>
#include <stdexcept>
#include <vector>

namespace tocsin::dispatch {
namespace {

using namespace std::chrono_literals;
using Clock = SegmentWindow::Clock;

const Clock::time_point t0 = Clock::time_point{} + 100s;

long long us(Clock::duration d) {
  return std::chrono::duration_cast<std::chrono::microseconds>(d).count();
}

TEST(DispatchSegmentWindow, TakesUpToTheLimitThenWaitsForTheFirstToEnd) {
  SegmentWindow window(10, 1s, 10ms);
  for (int i = 0; i < 10; ++i) {
    const Clock::time_point picked = t0 + i * 10ms;
    ASSERT_EQ(window.wait_for(1, picked), Clock::duration::zero()) << i;
    const auto ticket = window.take(1, picked);
    window.answered(ticket, picked, picked + 2ms);  // written at once, answered in 2 ms
  }
  EXPECT_DOUBLE_EQ(window.in_window(t0 + 95ms), 10);
  // The first send ends a span and its 2 ms round trip after it was written.
  EXPECT_EQ(us(window.wait_for(1, t0 + 100ms)), us(902ms));
  EXPECT_DOUBLE_EQ(window.in_window(t0 + 1s + 1ms), 10);
  EXPECT_EQ(window.wait_for(1, t0 + 1s + 2ms), Clock::duration::zero());
  EXPECT_DOUBLE_EQ(window.in_window(t0 + 1s + 2ms), 9);
}

TEST(DispatchSegmentWindow, ANearbyProvidersSendCountsFromItsWriteForASpanAndItsRoundTrip) {
  SegmentWindow window(100, 1s, 10ms);
  const auto quick = window.take(1, t0);
  const auto late = window.take(1, t0);
  const auto unknown = window.take(1, t0);
  const auto stalled = window.take(1, t0);
  const auto hung = window.take(1, t0);
  window.answered(quick, t0, t0 + 3ms);              // ends t0 + 1s + 3ms
  window.answered(late, t0 + 50ms, t0 + 51ms);       // written late: t0 + 50ms + 1s + 1ms
  window.answered(unknown, std::nullopt, t0 + 4ms);  // from the pick: t0 + 1s + 4ms
  // Answers are usually quick: a slow one is counted in full, up to kNearbyBound.
  window.answered(stalled, t0, t0 + 60ms);  // ends t0 + 1s + 60ms
  window.answered(hung, t0, t0 + 900ms);    // ends t0 + 1s + 100ms
  EXPECT_DOUBLE_EQ(window.in_window(t0 + 1s + 3ms - 1us), 5);
  EXPECT_DOUBLE_EQ(window.in_window(t0 + 1s + 3ms), 4);
  EXPECT_DOUBLE_EQ(window.in_window(t0 + 1s + 4ms), 3);
  EXPECT_DOUBLE_EQ(window.in_window(t0 + 1s + 51ms), 2);
  EXPECT_DOUBLE_EQ(window.in_window(t0 + 1s + 60ms), 1);
  EXPECT_DOUBLE_EQ(window.in_window(t0 + 1s + 100ms - 1us), 1);
  EXPECT_DOUBLE_EQ(window.in_window(t0 + 1s + 100ms), 0);
}

TEST(DispatchSegmentWindow, ADistantProvidersSendCountsForASpanAndTheSpreadAtMost) {
  SegmentWindow window(1000, 1s, 10ms);
  Clock::time_point now = t0;
  // Answers take 150 ms: after a block of 64, the provider is distant.
  for (int i = 0; i < 70; ++i, now += 1ms) {
    window.answered(window.take(1, now), now, now + 150ms);
  }
  now += 2s;  // those have all ended
  const auto slow = window.take(1, now);
  const auto quick = window.take(1, now);
  window.answered(slow, now, now + 150ms);  // ends now + 1s + 10ms
  window.answered(quick, now, now + 2ms);   // ends now + 1s + 2ms
  EXPECT_DOUBLE_EQ(window.in_window(now + 1s + 2ms - 1us), 2);
  EXPECT_DOUBLE_EQ(window.in_window(now + 1s + 2ms), 1);
  EXPECT_DOUBLE_EQ(window.in_window(now + 1s + 10ms - 1us), 1);
  EXPECT_DOUBLE_EQ(window.in_window(now + 1s + 10ms), 0);
}

TEST(DispatchSegmentWindow, AnUnansweredSendCountsUntilItsAnswer) {
  SegmentWindow window(1, 1s, 10ms);
  const auto ticket = window.take(1, t0);
  // Long past a span: the provider may still be about to count it.
  EXPECT_DOUBLE_EQ(window.in_window(t0 + 5s), 1);
  EXPECT_GT(window.wait_for(1, t0 + 5s), Clock::duration::zero());
  // Written late, after a slow connect, and answered 1 s later: a nearby provider's send
  // counts for its round trip up to kNearbyBound.
  window.answered(ticket, t0 + 4s, t0 + 5s);
  EXPECT_EQ(us(window.wait_for(1, t0 + 5s)), us(4s + 1s + SegmentWindow::kNearbyBound - 5s));
  // Answering again, or an unknown ticket, changes nothing.
  window.answered(ticket, t0, t0 + 5s);
  window.answered(ticket + 7, t0, t0 + 5s);
  EXPECT_DOUBLE_EQ(window.in_window(t0 + 5s + 100ms - 1us), 1);
  EXPECT_DOUBLE_EQ(window.in_window(t0 + 5s + 100ms), 0);
}

TEST(DispatchSegmentWindow, LaterSendsEndWhileAnEarlierOneIsInFlight) {
  SegmentWindow window(3, 1s, 10ms);
  window.take(1, t0);  // never answered here
  const auto b = window.take(1, t0 + 1ms);
  window.answered(b, t0 + 1ms, t0 + 2ms);
  window.take(1, t0 + 3ms);
  EXPECT_GT(window.wait_for(1, t0 + 500ms), Clock::duration::zero());
  // b ends at t0 + 1s + 2ms although the first send, ahead of it, is still counted.
  EXPECT_EQ(us(window.wait_for(1, t0 + 500ms)), us(502ms));
  EXPECT_DOUBLE_EQ(window.in_window(t0 + 1s + 2ms), 2);
}

TEST(DispatchSegmentWindow, AMessageLargerThanTheLimitGoesAloneIntoAnEmptyWindow) {
  SegmentWindow window(3, 1s, 10ms);
  EXPECT_EQ(window.wait_for(5, t0), Clock::duration::zero());
  const auto big = window.take(5, t0);
  window.answered(big, t0, t0 + 1ms);
  EXPECT_EQ(us(window.wait_for(1, t0 + 1ms)), us(1s));
  const auto small = window.take(1, t0 + 1s + 1ms);
  window.answered(small, t0 + 1s + 1ms, t0 + 1s + 2ms);
  // Not alone any more: the big one waits for the small one to end.
  EXPECT_EQ(us(window.wait_for(5, t0 + 1s + 10ms)), us(1s - 8ms));
}

// The guarantee, checked against the provider's own arrival times under the model of
// segment_window.h: a greedy sender (whatever fits, every 100 us, texts of 1 to 4
// segments), requests written 0 to 2 ms after they are picked (30 ms when the loop stalls,
// one in 100), and a provider counting each request somewhere between our write and its
// answer (nearby, its thread stalling for 60 ms now and then) or within the spread of a
// fixed delay (across the internet).
struct Provider {
  Clock::duration delay;   // c: from our write to the provider's counter, at least
  Clock::duration answer;  // from its count to the answer reaching us
  bool nearby;             // counts anywhere before the answer (rtt may exceed the spread)
};

struct Outcome {
  long segments = 0;
  long worst_second = 0;
};

Outcome blast(const Provider& provider, double limit, Clock::duration length, uint32_t seed) {
  const Clock::duration spread = 10ms;
  SegmentWindow window(limit, 1s, spread);
  std::mt19937 random(seed);
  auto uniform = [&](Clock::duration from, Clock::duration to) {
    std::uniform_int_distribution<int64_t> pick(us(from), us(to));
    return std::chrono::microseconds(pick(random));
  };
  struct Answer {
    Clock::time_point at;
    SegmentWindow::Ticket ticket;
    Clock::time_point written;
    bool operator>(const Answer& other) const { return at > other.at; }
  };
  std::priority_queue<Answer, std::vector<Answer>, std::greater<>> answers;
  std::vector<std::pair<Clock::time_point, int>> arrivals;
  Outcome outcome;
  int next = 0;
  for (Clock::time_point now = t0; now < t0 + length; now += 100us) {
    while (!answers.empty() && answers.top().at <= now) {
      window.answered(answers.top().ticket, answers.top().written, answers.top().at);
      answers.pop();
    }
    for (;;) {
      const int segments = 1 + next % 4;
      if (window.wait_for(segments, now) != Clock::duration::zero()) break;
      const auto ticket = window.take(segments, now);
      ++next;
      const Clock::time_point written =
          now + (random() % 100 == 0 ? Clock::duration{30ms} : uniform(0ms, 2ms));
      Clock::time_point counted;
      Clock::time_point answered;
      if (provider.nearby) {
        // Anywhere between the write and the answer (one in 50 answers 60 ms late: a
        // provider thread that did not get the CPU, counting it late too).
        const auto round_trip =
            random() % 50 == 0 ? Clock::duration{60ms} : Clock::duration{uniform(100us, 8ms)};
        answered = written + round_trip;
        counted = written + uniform(0ms, round_trip);
      } else {
        counted = written + provider.delay + uniform(0ms, spread);
        answered = counted + provider.answer;
      }
      answers.push(Answer{answered, ticket, written});
      arrivals.emplace_back(counted, segments);
      outcome.segments += segments;
    }
  }
  std::sort(arrivals.begin(), arrivals.end());
  long in_second = 0;
  size_t first = 0;
  for (const auto& [at, segments] : arrivals) {
    in_second += segments;
    while (arrivals[first].first + 1s <= at) in_second -= arrivals[first++].second;
    outcome.worst_second = std::max(outcome.worst_second, in_second);
  }
  return outcome;
}

TEST(DispatchSegmentWindow, NoProviderSecondIsOverTheLimitFromANearbyProvider) {
  for (const double limit : {50.0, 1000.0}) {
    for (uint32_t seed = 1; seed <= 3; ++seed) {
      const Outcome outcome = blast(Provider{.nearby = true}, limit, 20s, seed);
      EXPECT_LE(outcome.worst_second, limit) << limit << "/s, seed " << seed;
      // The cost is the write delay and the round trip (a few ms a second).
      EXPECT_GE(outcome.segments, limit * 20 * 0.98) << limit << "/s, seed " << seed;
    }
  }
}

TEST(DispatchSegmentWindow, NoProviderSecondIsOverTheLimitFromADistantProvider) {
  for (const double limit : {50.0, 1000.0}) {
    for (uint32_t seed = 1; seed <= 3; ++seed) {
      const Outcome outcome =
          blast(Provider{.delay = 150ms, .answer = 150ms, .nearby = false}, limit, 20s, seed);
      EXPECT_LE(outcome.worst_second, limit) << limit << "/s, seed " << seed;
      EXPECT_GE(outcome.segments, limit * 20 * 0.97) << limit << "/s, seed " << seed;
    }
  }
}

TEST(DispatchSegmentWindow, RejectsNonsenseConfiguration) {
  EXPECT_THROW(SegmentWindow(0, 1s, 10ms), std::invalid_argument);
  EXPECT_THROW(SegmentWindow(-1, 1s, 10ms), std::invalid_argument);
  EXPECT_THROW(SegmentWindow(10, 0s, 10ms), std::invalid_argument);
  EXPECT_THROW(SegmentWindow(10, 1s, -1ms), std::invalid_argument);
}

}  // namespace
}  // namespace tocsin::dispatch
