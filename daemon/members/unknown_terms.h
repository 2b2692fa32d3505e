#pragma once
// Terms that name a value no member has ("region:estri"): almost always a typo. An alert
// to such an audience, or a coordinator limited to such a region, would reach nobody
// without anyone noticing, so the callers refuse or warn, and name the closest value
// members do have.

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "util/result.h"

namespace tocsin::redis {
class Client;
}

namespace tocsin::members {

struct UnknownTerm {
  std::string dimension;  // "region", "sector", "local" or "tag"
  std::string value;      // folded, as in the index key
  // The value members have that is closest to it (a likely typo), folded; nullopt when
  // none is close enough. Tags have no list of values to suggest from.
  std::optional<std::string> suggestion;
};

// Which of the (dimension, folded value) terms no member has (their index is absent), each
// with a suggestion from the `labels` hash the importer keeps. One pipelined round trip of
// EXISTS, plus one HKEYS when a term is unknown.
boost::asio::awaitable<Result<std::vector<UnknownTerm>>> find_unknown_terms(
    redis::Client& redis, const std::vector<std::pair<std::string, std::string>>& terms);

// For people: `no member has region "estri" (did you mean "estrie"?)`.
std::string describe(const UnknownTerm& term);

// The terms, described and joined with "; ".
std::string describe(const std::vector<UnknownTerm>& terms);

}  // namespace tocsin::members
