#pragma once
// Delivery receipts (Twilio status callbacks, Kannel DLRs) applied to the member's delivery
// state. The engine keeps msg:{<gateway>:<message id>} -> "alert|member|channel"
// (dispatch_keys.h) for each message a gateway with receipts accepted (for kReceiptTtl); a
// receipt finds its member there (receipt_find.lua, in the message's hash slot), then moves
// the member's state (receipt_apply.lua, in the alert's): two steps, as a script touches
// one slot. States only move forward: sent -> delivered or failed, so a step done twice (a
// provider's retry after a lost answer) changes nothing the second time.
// A late `sent` after a `delivered`, or a receipt repeated, changes nothing (providers
// repeat and reorder them).

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <optional>
#include <string>

#include "adapters/gateway.h"
#include "util/result.h"

namespace tocsin::redis {
class Client;
}

namespace tocsin::dispatch {

// Receipts come within minutes; a week covers a carrier's retries and a daemon's outage.
inline constexpr std::chrono::hours kReceiptTtl{24 * 7};

// A mapping's parts.
struct ReceiptTarget {
  std::string alert_id;
  std::string member_id;
  std::string channel;
};
// "alert|member|channel", or nullopt when it is not of that shape.
std::optional<ReceiptTarget> parse_receipt_target(const std::string& mapping);

// Moves the member's state forward to `state` ("delivered", or "failed:<detail>"), in the
// alert's slot: true when it moved. What apply() does once it found the mapping, and what the
// recorder does with a receipt that came before its send was recorded (record_plan.h).
boost::asio::awaitable<Result<bool>> apply_receipt_state(redis::Client& redis,
                                                         const ReceiptTarget& target,
                                                         const std::string& state);

class ReceiptStore {
 public:
  enum class Applied {
    changed,    // the member's state moved forward
    unchanged,  // a repeat, a late receipt, or an intermediate state
    early,      // no send recorded with that id yet: kept, and applied when it is (or
                // forgotten after kReceiptTtl if the id was never ours)
  };

  // Registers its scripts with load_on_connect(): construct before redis.run().
  explicit ReceiptStore(redis::Client& redis);

  boost::asio::awaitable<Result<Applied>> apply(const std::string& gateway,
                                                const adapters::DeliveryReceipt& receipt);

 private:
  redis::Client& redis_;
};

}  // namespace tocsin::dispatch
