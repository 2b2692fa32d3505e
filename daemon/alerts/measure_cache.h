#pragma once
// The audience counts and measures of recent draft previews, kept a few seconds. The
// console asks for a draft preview as the officer types (debounced), and most keystrokes
// change a text, not whom it reaches: counting 150,000 members again for each would cost
// Redis tens of milliseconds a time while a blast may be running. A measure is reused only
// for the same audience, channels, message languages and targets, and only while fresh:
// the draft preview is a guide; the stored alert's preview and the send always count anew.
// Single-threaded, like the daemon's event loop.

#include <chrono>
#include <cstddef>
#include <list>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "alerts/audience_measure.h"
#include "members/audience_counter.h"

namespace tocsin::alerts {

// What a draft preview reads of its audience: the counts, and the measure when it holds
// members.
struct DraftMeasure {
  members::AudienceCount count;
  std::optional<AudienceMeasure> measure;
  // unknown_term_warnings: they depend on the audience alone, which the key holds, so a
  // keystroke in a text costs Redis no round trip beyond the sign-in's.
  std::vector<std::string> term_warnings;
};

// What a measure depends on: the canonical audience, channels, the languages with a
// message, and the targets' dimensions and folded values.
std::string measure_key(const Alert& alert);

class MeasureCache {
 public:
  using Clock = std::chrono::steady_clock;

  // A measure older than refresh_after is still answered, and the first caller to see it so
  // refreshes it in the background (claim_refresh), so an officer typing never waits for a
  // count again once the first one is done.
  MeasureCache(Clock::duration time_to_live, Clock::duration refresh_after, size_t capacity)
      : time_to_live_(time_to_live), refresh_after_(refresh_after), capacity_(capacity) {}

  // The measure stored under `key` while younger than time_to_live, or older while its
  // refresh is on its way.
  std::optional<DraftMeasure> find(const std::string& key, Clock::time_point now);
  // True once per stored measure, when it is older than refresh_after: the caller measures
  // again and stores the result.
  bool claim_refresh(const std::string& key, Clock::time_point now);
  // The claimed refresh could not measure (Redis away): the measure ages out as usual.
  void refresh_failed(const std::string& key);
  // Replaces an older measure under the same key; past capacity the least recently stored
  // goes.
  void store(const std::string& key, DraftMeasure measure, Clock::time_point now);

 private:
  struct Entry {
    DraftMeasure measure;
    Clock::time_point stored_at;
    std::list<std::string>::iterator age;  // its place in order_
    bool refreshing = false;
  };

  Clock::duration time_to_live_;
  Clock::duration refresh_after_;
  size_t capacity_;
  std::map<std::string, Entry> entries_;
  std::list<std::string> order_;  // keys, the oldest first
};

}  // namespace tocsin::alerts
