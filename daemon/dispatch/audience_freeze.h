#pragma once
// Freezing an alert's audience for a send, slice by slice: each slice of the audience walk
// (alerts/audience_set.h, read-only scripts of about dispatch.freeze_slice members) is
// staged by dispatch/audience_stage.lua into a staged SET (the frozen audience to be) and a
// staged LIST of jobs of at most dispatch.job_size members, each member in exactly one job.
// No call holds Redis for more than a few milliseconds, however large the audience.
//
// A crash mid-walk leaves only the two staging keys, which expire (kStagingTtlSeconds);
// nothing outside them was written, so the officer's request failed and a scheduled send is
// claimed again and starts over. send_start.lua then checks the state and keeps both keys.

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <string>

#include "proto/tocsin.pb.h"
#include "util/result.h"

namespace tocsin::redis {
class Client;
}

namespace tocsin::dispatch {

inline constexpr int kStagingTtlSeconds = 3600;

struct StagedAudience {
  std::string members;  // SET, dispatch_keys.h staged_audience()
  std::string jobs;     // LIST, dispatch_keys.h staged_jobs()
};

// Stages the alert's audience into `staged` (fresh keys, unique to this send); returns the
// number of members staged.
boost::asio::awaitable<Result<int64_t>> freeze_audience(redis::Client& redis, const Alert& alert,
                                                        const StagedAudience& staged, int job_size,
                                                        int slice);

}  // namespace tocsin::dispatch
