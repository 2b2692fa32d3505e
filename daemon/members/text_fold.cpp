#include "members/text_fold.h"

#include <array>
#include <cstdint>
#include <cstring>

#include "util/utf8.h"

namespace tocsin::members {
namespace {

// What each letter from U+00C0 to U+017F folds to; nullptr for the two non-letters (× ÷).
struct Range {
  char32_t first;
  char32_t last;
  const char* ascii;
};

constexpr std::array kLatinRanges = {
    Range{0x00C0, 0x00C5, "a"},  Range{0x00C6, 0x00C6, "ae"},    Range{0x00C7, 0x00C7, "c"},
    Range{0x00C8, 0x00CB, "e"},  Range{0x00CC, 0x00CF, "i"},     Range{0x00D0, 0x00D0, "d"},
    Range{0x00D1, 0x00D1, "n"},  Range{0x00D2, 0x00D6, "o"},     Range{0x00D7, 0x00D7, nullptr},
    Range{0x00D8, 0x00D8, "o"},  Range{0x00D9, 0x00DC, "u"},     Range{0x00DD, 0x00DD, "y"},
    Range{0x00DE, 0x00DE, "th"}, Range{0x00DF, 0x00DF, "ss"},    Range{0x00E0, 0x00E5, "a"},
    Range{0x00E6, 0x00E6, "ae"}, Range{0x00E7, 0x00E7, "c"},     Range{0x00E8, 0x00EB, "e"},
    Range{0x00EC, 0x00EF, "i"},  Range{0x00F0, 0x00F0, "d"},     Range{0x00F1, 0x00F1, "n"},
    Range{0x00F2, 0x00F6, "o"},  Range{0x00F7, 0x00F7, nullptr}, Range{0x00F8, 0x00F8, "o"},
    Range{0x00F9, 0x00FC, "u"},  Range{0x00FD, 0x00FD, "y"},     Range{0x00FE, 0x00FE, "th"},
    Range{0x00FF, 0x00FF, "y"},  Range{0x0100, 0x0105, "a"},     Range{0x0106, 0x010D, "c"},
    Range{0x010E, 0x0111, "d"},  Range{0x0112, 0x011B, "e"},     Range{0x011C, 0x0123, "g"},
    Range{0x0124, 0x0127, "h"},  Range{0x0128, 0x0131, "i"},     Range{0x0132, 0x0133, "ij"},
    Range{0x0134, 0x0135, "j"},  Range{0x0136, 0x0138, "k"},     Range{0x0139, 0x0142, "l"},
    Range{0x0143, 0x014B, "n"},  Range{0x014C, 0x0151, "o"},     Range{0x0152, 0x0153, "oe"},
    Range{0x0154, 0x0159, "r"},  Range{0x015A, 0x0161, "s"},     Range{0x0162, 0x0167, "t"},
    Range{0x0168, 0x0173, "u"},  Range{0x0174, 0x0175, "w"},     Range{0x0176, 0x0178, "y"},
    Range{0x0179, 0x017E, "z"},  Range{0x017F, 0x017F, "s"},
};

const char* latin_letter(char32_t cp) {
  if (cp < 0x00C0 || cp > 0x017F) return nullptr;
  for (const Range& r : kLatinRanges) {
    if (cp >= r.first && cp <= r.last) return r.ascii;
  }
  return nullptr;
}

bool is_space(char32_t cp) {
  return cp == ' ' || (cp >= '\t' && cp <= '\r') || cp == 0x00A0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
         cp == 0x205F || cp == 0x3000;
}

// Invisible characters that spreadsheets and web forms leave in cells.
bool is_dropped(char32_t cp) {
  return (cp >= 0x0300 && cp <= 0x036F) || cp == 0xFEFF || (cp >= 0x200B && cp <= 0x200D) ||
         cp == 0x2060 || cp == 0x00AD;
}

bool is_apostrophe(char32_t cp) {
  return cp == 0x2018 || cp == 0x2019 || cp == 0x201B;
}

}  // namespace

std::string fold(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  bool pending_space = false;
  const auto put = [&](std::string_view text) {
    if (pending_space && !out.empty()) out.push_back(' ');
    pending_space = false;
    out.append(text);
  };
  size_t pos = 0;
  while (pos < utf8.size()) {
    const utf8::Step step = utf8::decode(utf8, pos);
    if (step.length <= 0) {
      ++pos;  // invalid or truncated: drop the byte
      continue;
    }
    const std::string_view raw = utf8.substr(pos, step.length);
    pos += step.length;
    const char32_t cp = step.code_point;
    if (cp < 0x80) {
      if (is_space(cp)) {
        pending_space = true;
      } else {
        const char c = static_cast<char>(cp >= 'A' && cp <= 'Z' ? cp + ('a' - 'A') : cp);
        put(std::string_view(&c, 1));
      }
    } else if (const char* ascii = latin_letter(cp)) {
      put(ascii);
    } else if (is_space(cp)) {
      pending_space = true;
    } else if (is_apostrophe(cp)) {
      put("'");
    } else if (!is_dropped(cp)) {
      put(raw);
    }
  }
  return out;
}

bool is_valid_utf8(std::string_view bytes) {
  size_t pos = 0;
  while (pos < bytes.size()) {
    // Names and numbers are mostly ASCII: skip it eight bytes at a time.
    while (pos + 8 <= bytes.size()) {
      uint64_t word;
      std::memcpy(&word, bytes.data() + pos, 8);
      if (word & 0x8080808080808080ULL) break;
      pos += 8;
    }
    if (pos >= bytes.size()) break;
    const utf8::Step step = utf8::decode(bytes, pos);
    if (step.length <= 0) return false;
    pos += step.length;
  }
  return true;
}

std::string_view trim(std::string_view text) {
  constexpr std::string_view space = " \t\r\n\v\f";
  const auto begin = text.find_first_not_of(space);
  if (begin == std::string_view::npos) return {};
  const auto end = text.find_last_not_of(space);
  return text.substr(begin, end - begin + 1);
}

}  // namespace tocsin::members
