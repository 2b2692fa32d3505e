#pragma once
// The reply reader's vocabulary: the phrases members answer with, and the matcher that finds
// them in a tokenized reply. Every token must be covered by a phrase (or be an alert code);
// the rest are counted as unknown, for the reader to refuse to guess.
//
// Phrases are matched longest first, so "pas de bus" wins over a lone "pas", "je serai pas
// là" over "je serai là" and "j'y serai" over "y". A word matches as written or with its
// doubled letters squeezed ("ouiii", "nonn"), except keywords, which match only as written.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "replies/reply_reader.h"
#include "replies/reply_tokens.h"

namespace tocsin::replies {

enum class Meaning {
  yes,
  no,
  maybe,
  polite,        // merci, svp, please, bonjour: allowed beside a keyword
  filler,        // mais, aussi, super, solidarité: no meaning, not beside a keyword
  stop,          // opt-out keyword
  start,         // re-subscribe keyword
  help,          // help keyword
  bus,           // needs the bus; number = seats when given
  car,           // comes by car; number = seats offered when given
  no_bus,        // comes without the bus
  party_total,   // number = people, the member included
  party_guests,  // number = people besides the member
  question,      // a question word (où, quand, where…)
  pickup,        // one of ReadOptions::pickup_ids
  here,          // HERE, ICI: at the door (a check-in, with the alert's code)
};

struct Hit {
  Meaning meaning = Meaning::filler;
  Language language = Language::none;
  std::optional<int64_t> number;  // the count the phrase carried, if any
  int pickup = -1;                // Meaning::pickup: index in the pickup ids
  size_t begin = 0, end = 0;      // the tokens the phrase covered: [begin, end)
};

struct WordsRead {
  std::vector<Hit> hits;           // in reply order
  std::vector<std::string> codes;  // alert codes ("A7"), in reply order
  int unknown = 0;                 // tokens no phrase covered
  size_t first_unknown = 0;        // the first of them (when unknown > 0)
};

WordsRead read_words(const std::vector<Token>& tokens,
                     const std::vector<std::string>& pickup_ids);

}  // namespace tocsin::replies
