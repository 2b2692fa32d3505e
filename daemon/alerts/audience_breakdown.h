#pragma once
// Whom an alert reaches, per channel and language, for the preview: counted from the
// member index hashes (member:{id}:idx) of a materialized audience, after opt-outs and
// de-duplication of shared addresses, the way the sender will send:
//   - a member counts for SMS when their index has a mobile that is not in optout:sms, and
//     no member counted before has the same mobile (a shared phone gets one message);
//     likewise for email with optout:email;
//   - under the language of the message they get: theirs when the alert has a message in
//     it, French otherwise (a member indexed without a language is French);
//   - only on the channels the alert selects.
//
// Redis is never blocked for long: the audience is walked with SSCAN, one script call per
// batch of ids. Addresses already counted are kept in two temporary SETs across batches
// (random names, a 5-minute expiry in case we die before deleting them).

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <string>

#include "alerts/preview.h"
#include "proto/tocsin.pb.h"
#include "util/result.h"

namespace tocsin::redis {
class Client;
}

namespace tocsin::alerts {

class AudienceBreakdownCounter {
 public:
  // About 2,000 members take a few milliseconds of Redis time per call.
  static constexpr size_t kDefaultBatchSize = 2000;

  // Registers the script with load_on_connect(): construct before the client connects.
  explicit AudienceBreakdownCounter(redis::Client& redis, size_t batch_size = kDefaultBatchSize);

  // audience_key: a SET of member ids (alerts::materialize_audience writes one);
  // absent means empty. It must not change while counting (a private, temporary copy).
  boost::asio::awaitable<Result<AudienceBreakdown>> count(std::string audience_key,
                                                          const Alert& alert);

 private:
  redis::Client& redis_;
  size_t batch_size_;
};

}  // namespace tocsin::alerts
