#pragma once
// The provider's own count, kept on our side: the segments sent within any window of
// `span`, never more than `limit`. Providers limit per second (a Twilio-style 429, a
// carrier's cap) and count in such windows. A token bucket alone bounds a window by its
// refill plus its largest single take, so a multi-segment SMS on a slow gateway (4
// segments on a 50/s gateway whose burst is 1) could push a window over; this bounds every
// window whatever the message sizes. The token bucket still does the pacing; this only
// holds back a message that would overfill the window. Time is passed in. No I/O.
//
// Takes less than a millisecond apart are kept as one entry stamped with the later time
// (so one is counted up to 1 ms too long, never too short): memory stays at most one
// entry per millisecond of the span, whatever the rate.

#include <chrono>
#include <deque>

namespace tocsin::dispatch {

class SegmentWindow {
 public:
  using Clock = std::chrono::steady_clock;

  // limit > 0 and span > 0 (std::invalid_argument otherwise: these come from the config).
  SegmentWindow(double limit, Clock::duration span);

  // Zero when `segments` more, taken at `now`, keep every window within the limit, else
  // how long until they would (assuming nothing else is taken meanwhile). A message larger
  // than the limit is let through when the window is empty: it goes alone, as it must.
  Clock::duration wait_for(double segments, Clock::time_point now) const;

  // Counts `segments` taken at `now`. Times never run backwards: an earlier `now` than the
  // last take counts at the last take's time.
  void take(double segments, Clock::time_point now);

  // Segments taken within the window that ends at `now`.
  double in_window(Clock::time_point now) const;

  double limit() const { return limit_; }
  Clock::duration span() const { return span_; }

 private:
  struct Entry {
    Clock::time_point at;
    double segments;
  };

  double limit_;
  Clock::duration span_;
  std::deque<Entry> taken_;  // oldest first; entries older than a span are dropped by take()
  double total_ = 0;         // the sum over taken_
};

}  // namespace tocsin::dispatch
