#pragma once
// Records one member's answer given as fields, not as a text to read: the one-click page
// (source "web") and a coordinator resolving an unclear reply (source "coordinator"). The
// record is made as an SMS's is (rsvp_builder.h), from the member's region, sector and local
// (member:{id}:idx) and the alert's pickup points, and stored by the reply worker's script
// (record_replies_script, kind "rsvp"): the previous answer is replaced, the tally moves by
// the difference, and an unclear reply of the member's is forgotten, in one step.

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "proto/tocsin.pb.h"
#include "replies/field_problem.h"
#include "replies/rsvp_builder.h"
#include "seats/seat_status.h"
#include "turnout/rsvp_record.h"

namespace tocsin::redis {
class Client;
}

namespace tocsin::replies {

// Bounds of reply_reader.h: answer yes/no/maybe, bus 0..kMaxBusSeats, car 0..kMaxCarSeats,
// party 0..kMaxParty, a pickup point among `pickup_ids` (or none). Pure.
std::optional<FieldProblem> check_choice(const RsvpChoice& choice,
                                         const std::vector<std::string>& pickup_ids);

// The who-did-what line written with the record, atomically, to the alert's trail
// (alert:{id}:audit), and relayed to the `audit` stream right after.
struct AuditEntry {
  std::string actor;   // the token's name
  std::string action;  // "reply.resolve"
  std::string detail;
};

struct WriteOutcome {
  enum class Status {
    recorded,     // stored, or changed
    same,         // the member's answer already
    refused,      // problem says why; nothing written
    unavailable,  // Redis failed; nothing known to be written
  };
  Status status = Status::unavailable;
  FieldProblem problem;  // refused
  RsvpRecord record;     // recorded, same
  seats::SeatHolding seat;  // recorded, same: the member's bus seat after it
};

class RsvpWriter {
 public:
  explicit RsvpWriter(redis::Client& redis);

  // Records `choice` as `member_id`'s answer to `alert` (an alert read from Redis, with its
  // id). raw_text goes to alert:{id}:rsvp_text. With `audit`, the record and the audit
  // entry are written in one MULTI/EXEC transaction.
  boost::asio::awaitable<WriteOutcome> write(const Alert& alert, std::string member_id,
                                             RsvpChoice choice, std::string raw_text,
                                             std::string source, int64_t at_ms,
                                             std::optional<AuditEntry> audit = std::nullopt);

 private:
  redis::Client& redis_;
};

}  // namespace tocsin::replies
