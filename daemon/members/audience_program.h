#pragma once
// An audience expression compiled to a straight-line program of Redis set operations, for
// the Lua script of audience_counter.cpp. Pure, so what Redis will run is testable offline.
//
// Two ideas keep a count on 600,000 members cheap:
// - Intersect early: inside an AND, the terms are intersected first and that (small) set is
//   handed down as a context, so region:estrie AND (sector:sante OR tag:x) computes
//   (estrie ∩ sante) ∪ (estrie ∩ x) instead of first building the large sante ∪ x.
// - Never build "everyone but x": a NOT without a context yields x flagged as negated, and
//   the script counts |all| − |x|.
//
// KEYS: 1 members:all, 2 members:sms, 3 optout:sms:members, 4 members:email,
//       5 optout:email:members, then one index key per distinct term, then the temporary
//       keys (one per operation).
// ARGV: 1 number of terms, 2 index in KEYS of the first temporary key, 3 number of
//       temporary keys, 4 index in KEYS of the result, 5 "1" when the audience is everyone
//       except the result's members, else "0"; then the operations:
//         op n target k1 .. kn   (op "i" SINTERSTORE, "u" SUNIONSTORE, "d" SDIFFSTORE;
//                                 target and k1..kn are indexes in KEYS)

#include <string>
#include <vector>

#include "members/audience.h"

namespace tocsin::members {

struct AudienceProgram {
  std::vector<std::string> keys;
  std::vector<std::string> args;
  std::vector<std::string> term_texts;  // "region:estrie", in the order of the term keys
};

// temp_prefix must be unique to the call ("{roster}:tmp:aud:3f2a...:"); the temporary keys are
// temp_prefix + "1", "2", ...
AudienceProgram compile_audience(const AudienceExpr& expr, const std::string& temp_prefix);

}  // namespace tocsin::members
