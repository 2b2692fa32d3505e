#include "replies/reply_tokens.h"

#include <algorithm>
#include <array>

#include "util/utf8.h"

namespace tocsin::replies {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool is_letter(char c) {
  return c >= 'a' && c <= 'z';
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_digit);
}

int64_t number_value(std::string_view digits) {
  int64_t value = 0;
  for (char c : digits) {
    value = std::min<int64_t>(value * 10 + (c - '0'), kMaxTokenNumber);
  }
  return value;
}

// Words people glue to their count ("BUS2", "AUTO3", "3places").
constexpr std::array kCountedBefore = {std::string_view("bus"), std::string_view("autobus"),
                                       std::string_view("autocar"), std::string_view("auto"),
                                       std::string_view("car"), std::string_view("voiture"),
                                       std::string_view("char")};
constexpr std::array kCountedAfter = {std::string_view("place"), std::string_view("places"),
                                      std::string_view("pers"), std::string_view("personne"),
                                      std::string_view("personnes"), std::string_view("seat"),
                                      std::string_view("seats")};

template <size_t N>
bool one_of(const std::array<std::string_view, N>& words, std::string_view word) {
  return std::find(words.begin(), words.end(), word) != words.end();
}

Token word_token(std::string_view text) {
  Token token;
  token.kind = TokenKind::word;
  token.text = std::string(text);
  token.squeezed = squeeze(text);
  return token;
}

Token number_token(std::string_view digits) {
  Token token;
  token.kind = TokenKind::number;
  token.value = number_value(digits);
  return token;
}

Token simple_token(TokenKind kind) {
  Token token;
  token.kind = kind;
  return token;
}

// An alert code is "A" and the decimal of a sequence (alert_store.cpp), so never zero.
constexpr size_t kMaxCodeDigits = 9;

void push_word(std::string_view w, std::vector<Token>& out) {
  if (w.empty()) return;
  if (all_digits(w)) {
    out.push_back(number_token(w));
    return;
  }
  if (w.size() >= 2 && w[0] == 'a' && all_digits(w.substr(1))) {
    std::string_view digits = w.substr(1);
    digits.remove_prefix(std::min(digits.find_first_not_of('0'), digits.size()));
    if (!digits.empty() && digits.size() <= kMaxCodeDigits) {
      Token code = simple_token(TokenKind::code);
      code.text = "A" + std::string(digits);
      out.push_back(std::move(code));
      return;
    }
  }
  if (w.size() >= 2 && w[0] == 'x' && all_digits(w.substr(1))) {
    out.push_back(number_token(w.substr(1)));
    return;
  }
  if (w.size() >= 2 && w.back() == 'x' && all_digits(w.substr(0, w.size() - 1))) {
    out.push_back(number_token(w.substr(0, w.size() - 1)));
    return;
  }
  const size_t first_digit =
      std::find_if(w.begin(), w.end(), is_digit) - w.begin();
  if (first_digit > 0 && first_digit < w.size() && all_digits(w.substr(first_digit)) &&
      one_of(kCountedBefore, w.substr(0, first_digit))) {
    out.push_back(word_token(w.substr(0, first_digit)));
    out.push_back(number_token(w.substr(first_digit)));
    return;
  }
  const size_t first_letter =
      std::find_if(w.begin(), w.end(), [](char c) { return !is_digit(c); }) - w.begin();
  if (first_letter > 0 && one_of(kCountedAfter, w.substr(first_letter))) {
    out.push_back(number_token(w.substr(0, first_letter)));
    out.push_back(word_token(w.substr(first_letter)));
    return;
  }
  out.push_back(word_token(w));
}

bool is_question_mark(char32_t cp) {
  return cp == '?' || cp == 0x00BF || cp == 0xFF1F || cp == 0x203D ||
         (cp >= 0x2047 && cp <= 0x2049);
}

// Punctuation, symbols and emoji: they separate words and mean nothing. Letters of other
// scripts are not here, so they stay in (unknown) words.
bool is_decoration(char32_t cp) {
  return (cp >= 0x00A1 && cp <= 0x00BF) || cp == 0x00D7 || cp == 0x00F7 ||
         (cp >= 0x02B0 && cp <= 0x02FF) ||    // modifier letters: ʼ ˈ
         (cp >= 0x2000 && cp <= 0x2BFF) ||    // punctuation, arrows, symbols, dingbats
         (cp >= 0x3000 && cp <= 0x303F) ||    // CJK punctuation
         (cp >= 0xFE00 && cp <= 0xFE0F) ||    // variation selectors (emoji presentation)
         (cp >= 0xFF01 && cp <= 0xFF0F) ||    // full-width punctuation
         (cp >= 0x1F000 && cp <= 0x1FAFF) ||  // emoji, skin tones
         (cp >= 0xE0000 && cp <= 0xE007F);    // tag characters (flags)
}

bool is_quotation_mark(char32_t cp) {
  return cp == 0x00AB || cp == 0x00BB || (cp >= 0x201C && cp <= 0x201F) || cp == 0x2039 ||
         cp == 0x203A;
}

// What separates two clauses: punctuation, a line break, an emoji. Not spaces (word
// separators), apostrophes and hyphens (inside words: "j'y", "soir-là"), '+' ("+2"), nor
// the marks that only modify the sign before them (skin tones, variation selectors, joiners).
bool is_break(char32_t cp) {
  if (cp < 0x80) {
    return cp != ' ' && cp != '\t' && cp != '\'' && cp != '-' && cp != '+' && cp != '`';
  }
  const bool space_or_joiner = (cp >= 0x2000 && cp <= 0x200F) || cp == 0x00A0 ||
                               cp == 0x202F || cp == 0x205F || cp == 0x2060 || cp == 0x3000;
  const bool apostrophe_or_hyphen = cp == 0x2010 || cp == 0x2011 || cp == 0x2018 ||
                                    cp == 0x2019 || cp == 0x201B || cp == 0x02BC ||
                                    cp == 0x02B9 || cp == 0x00B4 || cp == 0x2032;
  const bool modifier = (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0x1F3FB && cp <= 0x1F3FF) ||
                        (cp >= 0xE0000 && cp <= 0xE007F);
  return !space_or_joiner && !apostrophe_or_hyphen && !modifier;
}

}  // namespace

std::string squeeze(std::string_view word) {
  std::string out;
  out.reserve(word.size());
  for (char c : word) {
    if (is_letter(c) && !out.empty() && out.back() == c) continue;
    out.push_back(c);
  }
  return out;
}

TokenizedReply tokenize(std::string_view folded) {
  TokenizedReply reply;
  std::string word;
  bool pending_break = false;
  // Marks the first token pushed since `before` as following a break.
  const auto mark = [&](size_t before) {
    if (reply.tokens.size() > before) {
      reply.tokens[before].after_break = pending_break;
      pending_break = false;
    }
  };
  const auto flush = [&] {
    const size_t before = reply.tokens.size();
    push_word(word, reply.tokens);
    word.clear();
    mark(before);
  };
  const auto push_simple = [&](TokenKind kind) {
    const size_t before = reply.tokens.size();
    reply.tokens.push_back(simple_token(kind));
    mark(before);
  };
  size_t pos = 0;
  while (pos < folded.size()) {
    const utf8::Step step = utf8::decode(folded, pos);
    if (step.length <= 0) {  // fold() leaves none; skip like it does
      ++pos;
      continue;
    }
    const char32_t cp = step.code_point;
    const std::string_view raw = folded.substr(pos, step.length);
    pos += step.length;
    if (cp < 0x80) {
      const char c = static_cast<char>(cp);
      if (is_letter(c) || is_digit(c)) {
        word.push_back(c);
      } else if (c >= 'A' && c <= 'Z') {  // fold() lowers these; for unfolded callers
        word.push_back(static_cast<char>(c - 'A' + 'a'));
      } else {
        flush();
        if (c == '+') push_simple(TokenKind::plus);
        if (c == '?') reply.question_mark = true;
        if (c == '"' || c == '>') reply.quotes = true;
        pending_break |= is_break(cp);
      }
    } else if (cp == 0x1F44D || cp == 0x1F44E) {
      flush();
      push_simple(cp == 0x1F44D ? TokenKind::thumbs_up : TokenKind::thumbs_down);
    } else if (is_question_mark(cp)) {
      flush();
      reply.question_mark = true;
      pending_break = true;
    } else if (is_decoration(cp)) {
      flush();
      reply.quotes |= is_quotation_mark(cp);
      pending_break |= is_break(cp);
    } else {
      word.append(raw);
    }
  }
  flush();
  return reply;
}

}  // namespace tocsin::replies
