#pragma once
// The reply reader's first step: a reply, already folded (members/text_fold.h: lower case,
// no accents), cut into the tokens its vocabulary is written in. Used for the replies and
// for the vocabulary's own phrases, so both are cut the same way.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tocsin::replies {

enum class TokenKind {
  word,         // letters (and digits not read as below): "oui", "serai", "7h00"
  number,       // "2", "x2", "2x"; and the count in "bus2", "auto3", "3places"
  plus,         // '+', as in "+2"
  code,         // an alert's short code: "a7" (text "A7", without leading zeros)
  thumbs_up,    // 👍
  thumbs_down,  // 👎
};

struct Token {
  TokenKind kind = TokenKind::word;
  std::string text;      // word: as written (folded); code: "A7"; else empty
  std::string squeezed;  // word: runs of one letter made one ("ouiii" -> "oui")
  int64_t value = 0;     // number: its value, saturated at kMaxTokenNumber
  // Punctuation, a line break or an emoji stands between this token and the one before
  // ("oui, je…", "non. je…"); spaces, apostrophes and hyphens do not.
  bool after_break = false;
};

// Numbers larger than this read as this: still out of every bound, never an overflow.
inline constexpr int64_t kMaxTokenNumber = 1'000'000;

struct TokenizedReply {
  std::vector<Token> tokens;
  bool question_mark = false;  // '?', '¿', '？', '‽', '⁇', '⁈', '⁉'
  bool quotes = false;         // '>' or a quotation mark: text quoted or forwarded
};

// Apostrophes, hyphens, punctuation, white space and emoji other than 👍 👎 separate tokens
// and vanish; letters of other scripts stay in words (which the vocabulary will not know).
TokenizedReply tokenize(std::string_view folded);

// "ouiii" -> "oui", "nonn" -> "non": each run of one ASCII letter becomes one letter.
std::string squeeze(std::string_view word);

}  // namespace tocsin::replies
