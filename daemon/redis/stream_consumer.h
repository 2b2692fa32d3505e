#pragma once
// One consumer of a stream's consumer group: makes the group (and makes it again when
// Redis lost it), reads this consumer's own pending entries and then new ones, takes over
// the entries a silent consumer left, keeps the entries it is still working on, and
// acknowledges them in batches. The decisions are StreamConsumerState's (no I/O, unit
// tested); this is the thin part that sends the commands. Written once for every
// consumer-group reader: the dispatch engine's job queues, the reply worker, the seat
// notifier.
//
// Delivery is at least once: an entry read and not acknowledged is read again (by this
// consumer after a restart or a failed batch, by another after claim_idle), so handling
// an entry twice must change nothing.

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "redis/client.h"
#include "redis/stream_consumer_state.h"
#include "redis/stream_entry.h"
#include "util/result.h"

namespace tocsin::redis {

struct StreamConsumerOptions {
  std::string stream;
  std::string group;
  std::string consumer;   // this daemon in the group (dispatch.consumer_name)
  int batch = 100;        // COUNT of a read, unless read() is given one
  int claim_batch = 100;  // COUNT of a claim
  // An entry read and left unacknowledged this long by its consumer is taken over.
  std::chrono::milliseconds claim_idle{30'000};
  // A read of new entries waits up to this long for one (XREADGROUP BLOCK); zero: it
  // returns at once. Only on a Client nothing else uses (a blocked connection answers no
  // other command), and shorter than its command_timeout (its health-check PING waits
  // behind the read).
  std::chrono::milliseconds block{0};
  // A read of new entries also asks for the group's first pending entry, in the same round
  // trip (XPENDING after XREADGROUP): first_pending_at_read(). For a consumer that applies
  // entries in stream order across consumers (replies/reply_worker.cpp): when that entry
  // is the first it just read, no other consumer holds an earlier one, and it need not ask.
  bool note_first_pending = false;
};

class StreamConsumer {
 public:
  StreamConsumer(Client& redis, StreamConsumerOptions options);

  // The next entries for this consumer, up to `count` (0: options.batch): its own pending
  // ones first, then new ones. Makes the group first when needed. When Redis answers
  // NOGROUP (it lost its data) the group is made again and the read fails this once with
  // Errc::server_error: the caller waits as after any failure and reads again.
  boost::asio::awaitable<Result<std::vector<StreamEntry>>> read(int count = 0,
                                                                std::string* why = nullptr);

  // Whether a claim is due now (StreamConsumerState::claim_due).
  bool claim_due();
  // Takes over up to claim_batch entries unacknowledged for claim_idle (another
  // consumer's, or this one's own): they become this consumer's, pending.
  boost::asio::awaitable<Result<std::vector<StreamEntry>>> claim(std::string* why = nullptr);

  // Claims as claim() does, and has read() take the entries it took over in turn, from
  // its own pending ones ("0"). Returns how many it took over (none when Redis failed).
  boost::asio::awaitable<size_t> take_over();

  // Keeps entries this consumer is still working on from being claimed: XCLAIM ... JUSTID
  // to itself resets their idle time (500 ids per command).
  boost::asio::awaitable<std::error_code> keep(const std::vector<std::string>& ids);

  // Acknowledges handled entries in one XACK, and deletes them from the stream (XDEL, in
  // the same round trip) when `remove`.
  boost::asio::awaitable<std::error_code> ack(const std::vector<std::string>& ids, bool remove);
  // Acknowledges them as ack() does, in the round trip of the next read() or claim(), ahead
  // of it: a consumer that reads again as soon as it is done saves a round trip per batch.
  // Until then the entries stay pending (other consumers see them held), so it is for a
  // consumer that does read again at once. Kept for the next round trip when that one
  // fails. flush_acks() sends them on their own (before stopping).
  void ack_with_next_read(const std::vector<std::string>& ids, bool remove);
  boost::asio::awaitable<std::error_code> flush_acks();

  // The group's first pending entry, for any consumer, just after the last read of new
  // entries (with note_first_pending); none when not asked, not known, or none pending.
  const std::optional<PendingEntry>& first_pending_at_read() const { return first_pending_; }

  // The first entry before `id` still pending for any consumer, if any (XPENDING).
  boost::asio::awaitable<Result<std::optional<PendingEntry>>> first_pending_before(
      const std::string& id);

  // Read own pending entries again, from the start (after a batch that failed).
  void rewind() { state_.rewind(); }

  const StreamConsumerOptions& options() const { return options_; }
  const StreamConsumerState& state() const { return state_; }

 private:
  // Makes the group when it is needed (first use, lost); `why` says why it could not.
  boost::asio::awaitable<std::error_code> ensure_group(std::string* why);
  // Sends one command; an error reply is noted (note_error), the client's error put in `why`.
  boost::asio::awaitable<Result<Reply>> exec(Command command, std::string* why);
  // Sends `commands` after the acknowledgements waiting for a round trip, all in one;
  // returns the replies of `commands`. The acknowledgements are done once Redis answered.
  boost::asio::awaitable<Result<std::vector<Reply>>> exec_after_acks(std::vector<Command> commands,
                                                                     std::string* why);
  // Notes a NOGROUP error reply (the group is made again before the next command).
  void note_error(const std::string& error);

  Client& redis_;
  const StreamConsumerOptions options_;
  StreamConsumerState state_;
  std::vector<std::string> to_ack_;     // ack_with_next_read(), not sent yet
  std::vector<std::string> to_delete_;  // of those, the ones to delete (remove)
  std::optional<PendingEntry> first_pending_;
};

}  // namespace tocsin::redis
