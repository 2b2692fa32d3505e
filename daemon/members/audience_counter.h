#pragma once
// Counting an audience in Redis: how many members an expression selects and how many of
// them an SMS or an email can reach (a valid address, not opted out). The member indexes
// (aud:{dimension}:{value}, members:all, members:sms, members:email, optout:*:members) are
// kept by the importer and the opt-out code; this only reads them.
//
// One Lua script does the whole evaluation, so a count is one round trip and sees one
// consistent state of the indexes, however large the expression (see audience_counter.cpp).

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "members/audience.h"
#include "redis/client.h"
#include "util/result.h"

namespace tocsin::members {

struct AudienceCount {
  int64_t members = 0;
  int64_t sms_reachable = 0;    // with a valid mobile, not opted out of SMS
  int64_t email_reachable = 0;  // with a valid email, not opted out of email
  // Terms whose index is empty or absent ("region:estri"): most likely a typo, since no
  // member has that value. The caller decides whether that is an error.
  std::vector<std::string> unknown_terms;
};

class AudienceCounter {
 public:
  // Registers the script with load_on_connect(): construct before the client connects
  // (or accept one NOSCRIPT round trip on first use).
  explicit AudienceCounter(redis::Client& redis);

  boost::asio::awaitable<Result<AudienceCount>> count(const AudienceExpr& expr);

  // The members themselves (to freeze or preview an audience) are walked in slices instead:
  // members/audience_walk.h.

 private:

  redis::Client& redis_;
};

}  // namespace tocsin::members
