#pragma once
// Delivery receipts (Twilio status callbacks, Kannel DLRs) applied to the member's delivery
// state (receipt.lua). The engine keeps msg:<gateway>:<message id> -> "alert|member|channel"
// (dispatch_keys.h) for each message a gateway with receipts accepted (for kReceiptTtl); a
// receipt finds its member there. States only move forward: sent -> delivered or failed.
// A late `sent` after a `delivered`, or a receipt repeated, changes nothing (providers
// repeat and reorder them).

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <string>

#include "adapters/gateway.h"
#include "util/result.h"

namespace tocsin::redis {
class Client;
}

namespace tocsin::dispatch {

// Receipts come within minutes; a week covers a carrier's retries and a daemon's outage.
inline constexpr std::chrono::hours kReceiptTtl{24 * 7};

class ReceiptStore {
 public:
  enum class Applied {
    changed,    // the member's state moved forward
    unchanged,  // a repeat, a late receipt, or an intermediate state
    early,      // no send recorded with that id yet: kept, and applied when it is (or
                // forgotten after kReceiptTtl if the id was never ours)
  };

  // Registers its script with load_on_connect(): construct before redis.run().
  explicit ReceiptStore(redis::Client& redis);

  boost::asio::awaitable<Result<Applied>> apply(const std::string& gateway,
                                                const adapters::DeliveryReceipt& receipt);

 private:
  redis::Client& redis_;
};

}  // namespace tocsin::dispatch
