// Control characters in free text: found with their code point and character position,
// line breaks allowed only where asked, escaped for a terminal.

#include "util/control_characters.h"

#include <gtest/gtest.h>

#include <string>

namespace tocsin {
namespace {

using namespace std::string_literals;

TEST(UtilControlCharacters, PrintableTextHasNone) {
  EXPECT_FALSE(find_control_character("Assemblée d'urgence à Québec — 7 h"));
  EXPECT_FALSE(find_control_character(""));
}

TEST(UtilControlCharacters, FindsTheFirstWithItsCodePointAndPosition) {
  const auto escape = find_control_character("ab\x1b[31mrouge");
  ASSERT_TRUE(escape);
  EXPECT_EQ(escape->code_point, 0x1Bu);
  EXPECT_EQ(escape->position, 3u);
  EXPECT_EQ(describe(*escape), "contains a control character (U+001B) at position 3");

  // Positions count characters, not bytes: "é" is one.
  const auto nul = find_control_character("é\0x"s);
  ASSERT_TRUE(nul);
  EXPECT_EQ(describe(*nul), "contains a control character (U+0000) at position 2");

  const auto del = find_control_character("a\x7f");
  ASSERT_TRUE(del);
  EXPECT_EQ(describe(*del), "contains a control character (U+007F) at position 2");
}

TEST(UtilControlCharacters, FindsC1ControlsButNotTheLettersThatShareTheirLeadByte) {
  // U+009B (CSI, C2 9B) starts a terminal escape as ESC [ does.
  const auto csi = find_control_character(
      "ok\xc2\x9b"
      "31m");
  ASSERT_TRUE(csi);
  EXPECT_EQ(describe(*csi), "contains a control character (U+009B) at position 3");
  // U+00A0 (no-break space) and U+00E9 (é) are printable.
  EXPECT_FALSE(
      find_control_character("a\xc2\xa0"
                             "b \xc3\xa9"));
}

TEST(UtilControlCharacters, LineBreaksOnlyWhereAllowed) {
  EXPECT_EQ(describe(*find_control_character("Titre\nFaux")),
            "contains a control character (U+000A) at position 6");
  EXPECT_FALSE(find_control_character("Bonjour,\n\nÀ demain.\r\n", LineBreaks::allowed));
  // A lone CR (which rewinds a terminal line) and a tab are still refused.
  EXPECT_EQ(describe(*find_control_character("a\rb", LineBreaks::allowed)),
            "contains a control character (U+000D) at position 2");
  EXPECT_EQ(describe(*find_control_character("a\tb", LineBreaks::allowed)),
            "contains a control character (U+0009) at position 2");
}

TEST(UtilControlCharacters, EscapesForATerminal) {
  EXPECT_EQ(escape_control_characters("ab\x1b[31mrouge\n\0fin"s),
            "ab\\u001b[31mrouge\\u000a\\u0000fin");
  EXPECT_EQ(escape_control_characters("x\xc2\x9by"), "x\\u009by");
  EXPECT_EQ(escape_control_characters("Montérégie \\ ok"), "Montérégie \\ ok");
}

}  // namespace
}  // namespace tocsin
