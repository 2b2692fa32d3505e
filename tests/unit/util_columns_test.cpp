// Text tables: columns aligned by characters, not bytes, so French text lines up.

#include "util/columns.h"

#include <gtest/gtest.h>

#include <sstream>

namespace tocsin {
namespace {

TEST(UtilColumns, AlignsByCharactersNotBytes) {
  std::ostringstream out;
  write_columns(out, {{"région", "n"}, {"estrie", "12"}, {"x"}});
  EXPECT_EQ(out.str(),
            "région  n\n"
            "estrie  12\n"
            "x\n");
}

TEST(UtilColumns, DisplayWidthCountsCodePoints) {
  EXPECT_EQ(display_width(""), 0u);
  EXPECT_EQ(display_width("Montérégie"), 10u);
  EXPECT_EQ(display_width("PEUT-ÊTRE"), 9u);
}

TEST(UtilColumns, AnAccentIsOneColumnComposedOrNot) {
  const std::string composed = "\xC3\xA9";     // é, one code point
  const std::string decomposed = "e\xCC\x81";  // e + U+0301 COMBINING ACUTE ACCENT
  EXPECT_EQ(display_width(composed), 1u);
  EXPECT_EQ(display_width(decomposed), 1u);
  EXPECT_EQ(display_width("H" + decomposed + "l" + decomposed + "ne"), 6u);
  std::ostringstream out;
  write_columns(
      out, {{"r" + composed + "gion", "n"}, {"r" + decomposed + "gion", "12"}, {"region", "7"}});
  EXPECT_EQ(out.str(),
            "r\xC3\xA9gion  n\n"
            "re\xCC\x81gion  12\n"
            "region  7\n");
}

TEST(UtilColumns, BadBytesAndFourByteCharactersAreOneColumnEach) {
  EXPECT_EQ(display_width("\xFF\xFE"), 2u);          // not UTF-8: one each
  EXPECT_EQ(display_width("a\xC3"), 2u);             // cut short
  EXPECT_EQ(display_width("\xF0\x9D\x84\x9E"), 1u);  // U+1D11E, four bytes
}

}  // namespace
}  // namespace tocsin
