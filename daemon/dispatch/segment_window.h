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
// counted by the provider at a_i, with r_i = e_i - w_i its round trip, the rule is: a send
// counts against later ones while it is unanswered, and once answered until
//     w_i + span + min(r_i, K_i)
// where K_i is kNearbyBound (100 ms) when the provider is nearby (its quickest round trip
// over the last 64 to 128 answers before this one was within half the spread: the floor,
// as outliers from a stalled thread are what the bound is for), else `spread`. The window
// assumes there is some c >= 0 (the one-way delay to the provider's counter) with, for
// every request,
//     w_i + c <= a_i <= e_i,   and, when r_i > K_i,   a_i <= w_i + c + spread,
// i.e. the provider counts requests after their write and before their answer (always
// true), and those answered later than K_i within `spread` of the delay the others have.
// Guarantee: a provider window [x, x + span) then holds at most `limit` segments. Let j be
// the last picked of the requests it holds: x > a_j - span >= p_j + c - span. Any other
// request i it holds has a_i >= x. If r_i <= K_i, i ends at w_i + span + r_i =
// e_i + span >= a_i + span > p_j; else at w_i + span + spread >= a_i - c + span > p_j.
// Either way i was counted when j was admitted, and j was admitted only if it fit. (A
// message larger than `limit` goes alone into an empty window, as it must.)
// The cost: a send holds its place for span + its round trip, up to K_i: on a nearby
// provider answering in 1 ms, 0.1% of the rate, and a provider thread that stalls for
// 50 ms is still covered; on a distant one, at most `spread` (1% for 10 ms). An unknown
// write time (SMTP, a local file) is taken to be the pick time, which is earlier, so the
// rule stays safe.
//
// Every take must be answered (answered()): an unanswered send counts until it is, and
// later sends cannot be forgotten before it. Memory: one entry (32 bytes) per send of about
// the last second, e.g. 1.6 MB for 50,000 sends a second.

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>

namespace tocsin::dispatch {

class SegmentWindow {
 public:
  using Clock = std::chrono::steady_clock;
  using Ticket = uint64_t;
  // How long a send of a nearby provider may stay counted after a span (see above): long
  // enough for a stalled event loop or provider thread, short enough that a provider
  // turning slow costs at most a tenth of its rate until it counts as distant.
  static constexpr Clock::duration kNearbyBound = std::chrono::milliseconds(100);

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
  // The provider's quickest round trip over the last 64 to 128 answers: the minimum over
  // the current block of 64 and the one before. Zero at first: a provider is nearby until
  // its answers say otherwise.
  bool nearby() const;
  void note_round_trip(Clock::duration round_trip);
  Clock::duration quickest_in_block_ = Clock::duration::max();
  Clock::duration quickest_in_previous_block_{};
  int answers_in_block_ = 0;
};

}  // namespace tocsin::dispatch
