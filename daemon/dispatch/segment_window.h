#pragma once
// The provider's own count, kept on our side: no window of `span` (a second) of the
// provider's arrival times holds more than `limit` segments. Providers limit per second (a
// Twilio-style 429, a carrier's cap) and count requests when they arrive, which is later
// than when we decide to send them, by an amount that varies (our event loop, the kernel,
// the provider's server each take their turn). The token bucket does the pacing; this
// holds back a send that the provider could find in the same second as `limit` segments
// already sent. Time is passed in. No I/O.
//
// When does a provider count a request? After we wrote it and before we read its answer.
// For a request i picked at p_i, written at w_i >= p_i, answered at e_i (as we see it) and
// counted by the provider at a_i, the window assumes there is some c >= 0 (the one-way
// delay to the provider's counter) with
//     w_i + c <= a_i <= min(e_i, w_i + c + spread)      for every request,
// i.e. the arrivals after the writes spread over at most `spread`, or each answer comes
// back within `spread` of its write (then c = 0 does). Rule: a send counts against later
// ones while it is unanswered, and once answered until
//     w_i + span + min(e_i - w_i, spread).
// Guarantee: a provider window [x, x + span) then holds at most `limit` segments. Let j be
// the last picked of the requests it holds: x > a_j - span >= p_j + c - span. Any other
// request i it holds has a_i >= x, and a_i <= min(e_i, w_i + c + spread), so
// w_i + min(e_i - w_i - c, spread) > p_j - span, hence (c >= 0) i's end is after p_j: it
// was counted when j was admitted, and j was admitted only if it fit. (A message larger
// than `limit` goes alone into an empty window, as it must.)
// The cost: a send holds its place for span + its round trip (at most `spread`), not for
// span + spread as a window over send times would need: on a nearby provider answering in
// 1 ms, 0.1% of the rate instead of 1%. An unknown write time (SMTP, a local file) is
// taken to be the pick time, which is earlier, so the rule stays safe.
//
// Every take must be answered (answered()): an unanswered send counts until it is, and
// later sends cannot be forgotten before it.

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>

namespace tocsin::dispatch {

class SegmentWindow {
 public:
  using Clock = std::chrono::steady_clock;
  using Ticket = uint64_t;

  // limit > 0, span > 0 and spread >= 0 (std::invalid_argument otherwise: these come
  // from the config).
  SegmentWindow(double limit, Clock::duration span, Clock::duration spread);

  // Zero when `segments` more, picked at `now`, keep every provider window within the
  // limit, else how long until something counted leaves (then ask again; an answer can also
  // make room sooner). A message larger than the limit goes when nothing is counted.
  Clock::duration wait_for(double segments, Clock::time_point now) const;

  // Counts `segments` picked at `now`; the ticket names the send for answered(). Times
  // never run backwards for the window: pass `now` in order.
  Ticket take(double segments, Clock::time_point now);

  // The send `ticket` was answered (or failed) at `at`; `written` is when its request was
  // written, when known (the last write, if it was written again on a fresh connection).
  // A ticket already answered, or unknown, is ignored.
  void answered(Ticket ticket, std::optional<Clock::time_point> written, Clock::time_point at);

  // Segments counted at `now` (a send picked before `now`).
  double in_window(Clock::time_point now) const;

  double limit() const { return limit_; }
  Clock::duration span() const { return span_; }
  Clock::duration spread() const { return spread_; }

 private:
  struct Entry {
    Clock::time_point picked;
    Clock::time_point until;  // counted before this, once answered
    double segments;
    bool answered = false;
  };
  // Forgets the oldest sends once they no longer count (an unanswered one keeps its
  // place, and those after it stay too: in_window skips the ones that ended).
  void forget_ended(Clock::time_point now);

  double limit_;
  Clock::duration span_;
  Clock::duration spread_;
  std::deque<Entry> entries_;  // in the order picked
  Ticket first_ = 0;           // the ticket of entries_.front()
  double total_ = 0;           // the sum over entries_
};

}  // namespace tocsin::dispatch
