#pragma once
// The daemon's notion of "now" for decisions that depend on the time of day or on a due
// time: scheduled sends, escalation waves, quiet hours, expiry. Code that takes a Clock
// can be driven by tests through time without sleeping (an OffsetClock moved forward).
// Timers still wait in steady time: a component that waits for a due time re-reads the
// clock on each tick instead of sleeping until the due time.

#include <atomic>
#include <chrono>
#include <cstdint>

namespace tocsin {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::system_clock::time_point now() const = 0;
  int64_t now_ms() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(now().time_since_epoch())
        .count();
  }
};

// The wall clock.
class SystemClock final : public Clock {
 public:
  std::chrono::system_clock::time_point now() const override {
    return std::chrono::system_clock::now();
  }
};

// The wall clock moved by an offset that can change while the daemon runs: tests set it
// (tocsind --test-clock follows a Redis key) to jump ahead by minutes or hours.
class OffsetClock final : public Clock {
 public:
  std::chrono::system_clock::time_point now() const override {
    return std::chrono::system_clock::now() +
           std::chrono::milliseconds(offset_ms_.load(std::memory_order_relaxed));
  }
  void set_offset(std::chrono::milliseconds offset) {
    offset_ms_.store(offset.count(), std::memory_order_relaxed);
  }
  std::chrono::milliseconds offset() const {
    return std::chrono::milliseconds(offset_ms_.load(std::memory_order_relaxed));
  }

 private:
  std::atomic<int64_t> offset_ms_{0};
};

}  // namespace tocsin
