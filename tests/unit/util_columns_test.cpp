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

TEST(UtilColumns, FitWidthCutsByColumnsWithAnEllipsis) {
  EXPECT_EQ(fit_width("Montérégie", 10), "Montérégie");
  EXPECT_EQ(fit_width("Montérégie", 6), "Monté…");
  EXPECT_EQ(display_width(fit_width("Montérégie", 6)), 6u);
  EXPECT_EQ(fit_width("Montérégie", 1), "…");
  EXPECT_EQ(fit_width("Montérégie", 0), "");
  EXPECT_EQ(fit_width("Mont" + std::string("e\xCC\x81") + "ral", 6), "Monte\xCC\x81…")
      << "a combining accent stays with its letter";
}

TEST(UtilColumns, WriteColumnsWithinCutsTheShrinkableColumnsOnly) {
  const std::vector<TextRow> rows{{"", "targeted", "sent"},
                                  {"Total", "156", "150"},
                                  {"Gaspésie–Îles-de-la-Madeleine", "12", "12"}};
  std::ostringstream unlimited;
  write_columns_within(unlimited, rows, 0, {0});
  std::ostringstream same;
  write_columns(same, rows);
  EXPECT_EQ(unlimited.str(), same.str());

  std::ostringstream narrow;
  write_columns_within(narrow, rows, 24, {0});
  EXPECT_EQ(narrow.str(),
            "          targeted  sent\n"
            "Total     156       150\n"
            "Gaspési…  12        12\n");
  // Too narrow for the numbers: the lines are cut at the edge, never longer.
  std::ostringstream tiny;
  write_columns_within(tiny, rows, 12, {0});
  std::istringstream lines(tiny.str());
  for (std::string line; std::getline(lines, line);) EXPECT_LE(display_width(line), 12u) << line;
}

}  // namespace
}  // namespace tocsin
