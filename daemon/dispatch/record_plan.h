#pragma once
// How the recorder (recorder.h) writes one batch of RecordItems: steps that each stay in one
// hash slot, in the order that makes a crash between two of them harmless.
//   1. opt_outs  the addresses gateways refused, into the opt-out registry
//                (members/opt_out_registry.h): before the states, so the registry never
//                lags a member marked opted out.
//   2. alerts    one record.lua call per alert of the batch (its header names their KEYS and
//                ARGV): the states, counts, retries and finished jobs, atomically per alert.
//   3. after     commands of one key each, once the states are written:
//                - ZREM from q:retry of the entries settled, then ZADD NX of the new ones
//                  (what a crash drops here, the alert's :retries still holds:
//                  retry_repair.h puts it back at start; a stale entry is settled when taken);
//                - XACK and XDEL of the finished jobs in their send queue (a job not
//                  acknowledged is taken again, and finds its members recorded);
//                - per message sent through a gateway with receipts, its mapping (SET, with a
//                  TTL), then a GET of the receipt that came before it (early_reads): after
//                  the state, so that a receipt finding the mapping finds the member `sent`.
// Built without I/O, so its layout is unit-tested.

#include <cstdint>
#include <string>
#include <vector>

#include "dispatch/record_item.h"
#include "members/opt_out_registry.h"

namespace tocsin::dispatch {

struct RecordAlertCall {
  std::string alert_id;
  std::vector<std::string> keys;
  std::vector<std::string> args;
};

// A receipt mapping's GET of its early receipt, at `reply_index` in `after`'s replies.
struct EarlyReceiptRead {
  size_t reply_index = 0;
  std::string early_key;
  std::string alert_id, member_id, channel;
};

struct RecordPlan {
  std::vector<members::OptOutChange> opt_outs;
  std::vector<RecordAlertCall> alerts;  // in the order of their first item
  std::vector<std::vector<std::string>> after;
  std::vector<EarlyReceiptRead> early_reads;
};

RecordPlan plan_record(const std::vector<RecordItem>& items, const std::string& group,
                       int64_t now_ms);

}  // namespace tocsin::dispatch
