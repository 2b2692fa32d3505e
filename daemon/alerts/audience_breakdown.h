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
// Redis is never blocked for long: the audience is walked with SSCAN, and each batch of ids
// read in two pipelined round trips (the members' index hashes; then per channel the
// opt-outs, SMISMEMBER, and which addresses are counted for the first time). No script:
// the members' keys are each in their own hash slot (Redis Cluster). Addresses already
// counted are kept in two temporary SETs across batches, in Redis rather than in the
// daemon (random names, a 5-minute expiry in case we die before deleting them).

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <set>
#include <string>
#include <system_error>
#include <vector>

#include "alerts/preview.h"
#include "proto/tocsin.pb.h"
#include "util/result.h"

namespace tocsin::redis {
class Client;
}

namespace tocsin::alerts {

class AudienceBreakdownCounter {
 public:
  // A batch of about 2,000 members: a few thousand commands in two pipelines, each a
  // microsecond or so of Redis time.
  static constexpr size_t kDefaultBatchSize = 2000;

  explicit AudienceBreakdownCounter(redis::Client& redis, size_t batch_size = kDefaultBatchSize);

  // audience_key: a SET of member ids (alerts::materialize_audience writes one);
  // absent means empty. It must not change while counting (a private, temporary copy).
  boost::asio::awaitable<Result<AudienceBreakdown>> count(std::string audience_key,
                                                          const Alert& alert);

 private:
  struct Channels {
    bool sms = false;
    bool email = false;
    std::string sms_seen, email_seen;  // the call's counted addresses
  };
  boost::asio::awaitable<std::error_code> count_batch(const std::vector<std::string>& ids,
                                                      const Channels& channels,
                                                      const std::set<std::string>& languages,
                                                      AudienceBreakdown& breakdown);

  redis::Client& redis_;
  size_t batch_size_;
};

}  // namespace tocsin::alerts
