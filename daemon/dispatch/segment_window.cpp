#include "dispatch/segment_window.h"

#include <cmath>
#include <stdexcept>

namespace tocsin::dispatch {
namespace {

// Sums of doubles drift by rounding; a billionth of a segment is far below anything a
// provider could count.
constexpr double kSlack = 1e-9;

constexpr SegmentWindow::Clock::duration kGrain = std::chrono::milliseconds(1);

}  // namespace

SegmentWindow::SegmentWindow(double limit, Clock::duration span) : limit_(limit), span_(span) {
  if (!(limit > 0.0) || !std::isfinite(limit)) {
    throw std::invalid_argument("segment window limit must be a positive number of segments");
  }
  if (span <= Clock::duration::zero()) {
    throw std::invalid_argument("segment window span must be positive");
  }
}

// An entry stamped `at` is in the window that ends at `now` while at > now - span.
SegmentWindow::Clock::duration SegmentWindow::wait_for(double segments,
                                                       Clock::time_point now) const {
  double in_window = total_;
  auto it = taken_.begin();
  for (; it != taken_.end() && it->at + span_ <= now; ++it) in_window -= it->segments;
  if (in_window <= kSlack || in_window + segments <= limit_ + kSlack) {
    return Clock::duration::zero();
  }
  // Wait until enough of the oldest entries have left the window, or all of them (then a
  // message larger than the limit goes alone).
  for (; it != taken_.end(); ++it) {
    in_window -= it->segments;
    if (in_window <= kSlack || in_window + segments <= limit_ + kSlack) break;
  }
  const auto free_at = (it == taken_.end() ? taken_.back().at : it->at) + span_;
  return free_at - now;
}

void SegmentWindow::take(double segments, Clock::time_point now) {
  if (segments <= 0.0) return;
  while (!taken_.empty() && taken_.front().at + span_ <= now) {
    total_ -= taken_.front().segments;
    taken_.pop_front();
  }
  if (taken_.empty()) total_ = 0;  // no drift carried over from a past window
  if (!taken_.empty() && now < taken_.back().at + kGrain) {
    // Within a millisecond of the last entry (or before it): one entry, the later time.
    Entry& last = taken_.back();
    if (now > last.at) last.at = now;
    last.segments += segments;
  } else {
    taken_.push_back(Entry{now, segments});
  }
  total_ += segments;
}

double SegmentWindow::in_window(Clock::time_point now) const {
  double in_window = total_;
  for (auto it = taken_.begin(); it != taken_.end() && it->at + span_ <= now; ++it) {
    in_window -= it->segments;
  }
  return in_window;
}

}  // namespace tocsin::dispatch
