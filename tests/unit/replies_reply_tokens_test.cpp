// The reply tokenizer's clause breaks and quotation marks, which the reason clause relies on.

#include "replies/reply_tokens.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "members/text_fold.h"

namespace tocsin::replies {
namespace {

// after_break of each token of the folded text.
std::vector<bool> breaks(std::string_view text) {
  std::vector<bool> out;
  for (const Token& token : tokenize(members::fold(text)).tokens) out.push_back(token.after_break);
  return out;
}

TEST(RepliesReplyTokens, PunctuationLineBreaksAndEmojiBreakAClause) {
  EXPECT_EQ(breaks("oui, je"), (std::vector<bool>{false, true}));
  EXPECT_EQ(breaks("non. je"), (std::vector<bool>{false, true}));
  // (fold() makes a line break a space; the reader marks it first, see reply_reader.cpp.)
  EXPECT_TRUE(tokenize("oui\nje").tokens.at(1).after_break);
  EXPECT_EQ(breaks("oui 😀 je"), (std::vector<bool>{false, true}));
  EXPECT_EQ(breaks("non – je"), (std::vector<bool>{false, true}));
  EXPECT_EQ(breaks("oui!!! je"), (std::vector<bool>{false, true}));
}

TEST(RepliesReplyTokens, SpacesApostrophesAndHyphensDoNot) {
  EXPECT_EQ(breaks("oui je"), (std::vector<bool>{false, false}));
  EXPECT_EQ(breaks("j'y"), (std::vector<bool>{false, false}));
  EXPECT_EQ(breaks("j’y"), (std::vector<bool>{false, false}));
  EXPECT_EQ(breaks("soir-là"), (std::vector<bool>{false, false}));
  EXPECT_EQ(breaks("oui\u00A0je"), (std::vector<bool>{false, false}));
  // 👍 is a token, not a separator, and a skin tone is part of its sign.
  EXPECT_EQ(breaks("oui 👍🏽 je"), (std::vector<bool>{false, false, false}));
  EXPECT_EQ(breaks("oui +2"), (std::vector<bool>{false, false, false}));
}

TEST(RepliesReplyTokens, QuotationMarksAreNoticed) {
  for (const char* text : {"oui \"ok\"", "> oui", "« oui »", "“oui”"}) {
    EXPECT_TRUE(tokenize(members::fold(text)).quotes) << text;
  }
  for (const char* text : {"oui", "j'y serai", "j’y serai", "oui!"}) {
    EXPECT_FALSE(tokenize(members::fold(text)).quotes) << text;
  }
}

}  // namespace
}  // namespace tocsin::replies
