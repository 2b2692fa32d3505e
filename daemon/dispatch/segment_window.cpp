#include "dispatch/segment_window.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace tocsin::dispatch {
namespace {

// Sums of doubles drift by rounding; a billionth of a segment is far below anything a
// provider could count.
constexpr double kSlack = 1e-9;

}  // namespace

SegmentWindow::SegmentWindow(double limit, Clock::duration span, Clock::duration spread)
    : limit_(limit), span_(span), spread_(spread) {
  if (!(limit > 0.0) || !std::isfinite(limit)) {
    throw std::invalid_argument("segment window limit must be a positive number of segments");
  }
  if (span <= Clock::duration::zero()) {
    throw std::invalid_argument("segment window span must be positive");
  }
  if (spread < Clock::duration::zero()) {
    throw std::invalid_argument("segment window arrival spread must not be negative");
  }
}

// A send ends no earlier than picked + span (its write is no earlier than its pick), so
// only the sends picked a span or more ago need looking at one by one; the rest all count.
double SegmentWindow::in_window(Clock::time_point now) const {
  double counted = total_;
  for (auto it = entries_.begin(); it != entries_.end() && it->picked + span_ <= now; ++it) {
    if (it->answered && it->until <= now) counted -= it->segments;
  }
  return counted;
}

SegmentWindow::Clock::duration SegmentWindow::wait_for(double segments,
                                                       Clock::time_point now) const {
  const double counted = in_window(now);
  if (counted <= kSlack || counted + segments <= limit_ + kSlack) {
    return Clock::duration::zero();
  }
  // The soonest end of a counted, answered send. No send ends before picked + span, so the
  // scan stops at the first one picked too late to beat the best found.
  std::optional<Clock::time_point> soonest;
  for (const Entry& entry : entries_) {
    if (soonest && entry.picked + span_ >= *soonest) break;
    if (entry.answered && entry.until > now && (!soonest || entry.until < *soonest)) {
      soonest = entry.until;
    }
  }
  // Every counted send is unanswered: its answer makes room, and whoever answers wakes
  // the caller; waiting a span is only the safety net.
  return soonest ? *soonest - now : span_;
}

SegmentWindow::Ticket SegmentWindow::take(double segments, Clock::time_point now) {
  forget_ended(now);
  entries_.push_back(Entry{.picked = now, .until = now, .segments = std::max(segments, 0.0)});
  total_ += entries_.back().segments;
  return first_ + entries_.size() - 1;
}

void SegmentWindow::answered(Ticket ticket, std::optional<Clock::time_point> written,
                             Clock::time_point at) {
  if (ticket < first_ || ticket - first_ >= entries_.size()) return;
  Entry& entry = entries_[ticket - first_];
  if (entry.answered) return;
  const Clock::time_point write = written ? std::max(*written, entry.picked) : entry.picked;
  const Clock::duration round_trip = std::max(at - write, Clock::duration::zero());
  const Clock::duration bound = nearby() ? std::max(kNearbyBound, spread_) : spread_;
  entry.until = write + span_ + std::min(round_trip, bound);
  entry.answered = true;
  note_round_trip(round_trip);
  forget_ended(at);
}

bool SegmentWindow::nearby() const {
  return std::min(quickest_in_block_, quickest_in_previous_block_) <= spread_ / 2;
}

void SegmentWindow::note_round_trip(Clock::duration round_trip) {
  quickest_in_block_ = std::min(quickest_in_block_, round_trip);
  if (++answers_in_block_ < 64) return;
  quickest_in_previous_block_ = quickest_in_block_;
  quickest_in_block_ = Clock::duration::max();
  answers_in_block_ = 0;
}

void SegmentWindow::forget_ended(Clock::time_point now) {
  while (!entries_.empty() && entries_.front().answered && entries_.front().until <= now) {
    total_ -= entries_.front().segments;
    entries_.pop_front();
    ++first_;
  }
  if (entries_.empty()) total_ = 0;  // no drift carried over
}

}  // namespace tocsin::dispatch
