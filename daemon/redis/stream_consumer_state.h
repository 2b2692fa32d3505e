#pragma once
// The decisions of one consumer of a stream's consumer group, without I/O (the
// Boost.Redis way: the state decides, redis/stream_consumer.h does the talking):
//   - the group is made before the first read, and made again when Redis says it is gone
//     (NOGROUP: a FLUSHALL, a Redis that restarted without its data);
//   - what to read next: this consumer's own pending entries first, from the start ("0")
//     page after page (entries it read and never acknowledged: a crash, a failed batch,
//     entries it claimed), then new ones (">");
//   - when to read its own pending ones again: after a failed batch, after a claim, and
//     after a new connection (an acknowledgement sent as the link dropped may be lost);
//   - when to claim: at most once per claim_idle / 3, so an entry left by a silent
//     consumer is taken over between claim_idle and 4/3 claim_idle after it was read; the
//     scan goes on where XAUTOCLAIM left it, back to the start once it went through.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "redis/stream_entry.h"

namespace tocsin::redis {

class StreamConsumerState {
 public:
  using Clock = std::chrono::steady_clock;

  explicit StreamConsumerState(std::chrono::milliseconds claim_idle);

  // --- the group
  bool group_needed() const { return group_needed_; }
  void group_ready() { group_needed_ = false; }
  // Redis answered NOGROUP: make it again. A new group has nothing pending for anyone, so
  // reading starts over (its own pending: none, then everything new).
  void group_lost();

  // --- reading
  // The id to read after: "0" (own pending, from the start), an id (the next page of own
  // pending), or ">" (new entries).
  const std::string& read_from() const { return read_from_; }
  bool reading_pending() const { return read_from_ != ">"; }
  // What a read returned: a page of own pending moves on past its last entry; no pending
  // left moves on to new entries.
  void read_done(const std::vector<StreamEntry>& entries);
  // Read own pending entries again from the start.
  void rewind() { read_from_ = "0"; }
  // The client's count of reconnections, before each read: a new connection rewinds.
  void connection_seen(uint64_t reconnects);

  // --- claiming
  // True when a claim is due at `now` (the first at once), and then not again before
  // claim_idle / 3.
  bool claim_due(Clock::time_point now);
  const std::string& claim_from() const { return claim_from_; }
  // Where XAUTOCLAIM's scan goes on next time.
  void claim_done(const ClaimedEntries& claimed) { claim_from_ = claimed.next; }
  std::chrono::milliseconds claim_idle() const { return claim_idle_; }

 private:
  std::chrono::milliseconds claim_idle_;
  bool group_needed_ = true;
  std::string read_from_ = "0";
  std::string claim_from_ = "0-0";
  bool claimed_once_ = false;
  Clock::time_point next_claim_{};
  bool connection_known_ = false;
  uint64_t reconnects_ = 0;
};

}  // namespace tocsin::redis
