#pragma once
// What a preview needs to know of an alert's audience in Redis, measured in one place for
// the stored alert's preview and the console's draft preview, so both say the same: how many
// members, the recipients per channel and language (after opt-outs and shared addresses),
// how many of the audience each target counts among, and, when it holds nobody, why.

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "alerts/preview.h"
#include "members/audience.h"
#include "proto/tocsin.pb.h"
#include "util/result.h"

namespace tocsin::redis {
class Client;
}

namespace tocsin::alerts {

class AudienceBreakdownCounter;

struct AudienceMeasure {
  int64_t members = 0;
  AudienceBreakdown breakdown;
  std::vector<int64_t> per_target;  // members of the audience with targets[i]'s value
};

// Materializes the audience into a private temporary set (so all counts see one roster,
// even while an import runs), counts, and deletes it.
boost::asio::awaitable<Result<AudienceMeasure>> measure_audience(
    redis::Client& redis, AudienceBreakdownCounter& breakdown, const Alert& alert);

// For people, why `expression` holds no member: the terms no member has (with the closest
// value members have), an empty roster, or known terms that no member has together.
boost::asio::awaitable<Result<std::string>> why_nobody(redis::Client& redis,
                                                       const members::AudienceExpr& expression);

// The warnings of an audience that still reaches others: one per term no member has
// (top-level alerts only: a child's audience is its parent's).
boost::asio::awaitable<Result<std::vector<std::string>>> unknown_term_warnings(redis::Client& redis,
                                                                               const Alert& alert);

// The preview's warnings: unknown_term_warnings, then the targets larger than their audience.
boost::asio::awaitable<Result<std::vector<std::string>>> preview_warnings(
    redis::Client& redis, const Alert& alert, const std::vector<int64_t>& per_target);

}  // namespace tocsin::alerts
