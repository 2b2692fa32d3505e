#include "redis/stream_consumer_state.h"

namespace tocsin::redis {

StreamConsumerState::StreamConsumerState(std::chrono::milliseconds claim_idle)
    : claim_idle_(claim_idle) {}

void StreamConsumerState::group_lost() {
  group_needed_ = true;
  rewind();
  claim_from_ = "0-0";
}

void StreamConsumerState::read_done(const std::vector<StreamEntry>& entries) {
  if (!reading_pending()) return;
  read_from_ = entries.empty() ? ">" : entries.back().id;
}

void StreamConsumerState::connection_seen(uint64_t reconnects) {
  if (connection_known_ && reconnects != reconnects_) rewind();
  connection_known_ = true;
  reconnects_ = reconnects;
}

bool StreamConsumerState::claim_due(Clock::time_point now) {
  if (claimed_once_ && now < next_claim_) return false;
  claimed_once_ = true;
  next_claim_ = now + claim_idle_ / 3;
  return true;
}

}  // namespace tocsin::redis
