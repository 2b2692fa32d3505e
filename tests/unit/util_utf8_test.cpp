// The one UTF-8 decoder: what it accepts, what it refuses (Unicode table 3-7), and how a
// sequence cut by the end of the input is told apart from a bad one.

#include "util/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace tocsin::utf8 {
namespace {

Step at_start(std::string_view s) {
  return decode(s, 0);
}

TEST(UtilUtf8, AsciiAndEachLength) {
  EXPECT_EQ(at_start("a").code_point, U'a');
  EXPECT_EQ(at_start("a").length, 1);
  EXPECT_EQ(at_start("é").code_point, U'é');  // C3 A9
  EXPECT_EQ(at_start("é").length, 2);
  EXPECT_EQ(at_start("€").code_point, U'€');  // E2 82 AC
  EXPECT_EQ(at_start("€").length, 3);
  EXPECT_EQ(at_start("\xF0\x9F\x91\x8D").code_point, U'\U0001F44D');  // thumbs up
  EXPECT_EQ(at_start("\xF0\x9F\x91\x8D").length, 4);
  EXPECT_EQ(at_start("\xF4\x8F\xBF\xBF").code_point, U'\U0010FFFF');  // the last code point
  EXPECT_EQ(decode("ré", 1).code_point, U'é');
}

TEST(UtilUtf8, OverlongFormsAreInvalid) {
  EXPECT_EQ(at_start("\xC0\xAF").length, 0);          // '/' in two bytes
  EXPECT_EQ(at_start("\xC1\xBF").length, 0);          // U+007F in two bytes
  EXPECT_EQ(at_start("\xE0\x80\xAF").length, 0);      // '/' in three bytes
  EXPECT_EQ(at_start("\xE0\x9F\xBF").length, 0);      // U+07FF in three bytes
  EXPECT_EQ(at_start("\xF0\x80\x80\xAF").length, 0);  // '/' in four bytes
  EXPECT_EQ(at_start("\xF0\x8F\xBF\xBF").length, 0);  // U+FFFF in four bytes
  EXPECT_EQ(at_start("\xE0\xA0\x80").length, 3);      // U+0800, the first three-byte one
  EXPECT_EQ(at_start("\xF0\x90\x80\x80").length, 4);  // U+10000, the first four-byte one
}

TEST(UtilUtf8, SurrogatesAndAboveTheLastCodePointAreInvalid) {
  EXPECT_EQ(at_start("\xED\xA0\x80").length, 0);      // U+D800
  EXPECT_EQ(at_start("\xED\xBF\xBF").length, 0);      // U+DFFF
  EXPECT_EQ(at_start("\xED\x9F\xBF").length, 3);      // U+D7FF, just below them
  EXPECT_EQ(at_start("\xF4\x90\x80\x80").length, 0);  // U+110000
  EXPECT_EQ(at_start("\xF5\x80\x80\x80").length, 0);  // no such lead byte
  EXPECT_EQ(at_start("\xFF").length, 0);
}

TEST(UtilUtf8, StrayAndMissingContinuationBytesAreInvalid) {
  EXPECT_EQ(at_start("\x80").length, 0);  // a continuation byte with no lead
  EXPECT_EQ(at_start("\xC3"
                     "a")
                .length,
            0);  // lead, then ASCII
  EXPECT_EQ(at_start("\xE2\x82"
                     "a")
                .length,
            0);
  EXPECT_EQ(at_start("\xF0\x9F\x91"
                     "a")
                .length,
            0);
}

TEST(UtilUtf8, CutShortByTheEndIsTruncatedNotInvalid) {
  EXPECT_EQ(at_start("\xC3").length, -1);
  EXPECT_EQ(at_start("\xE2\x82").length, -1);
  EXPECT_EQ(at_start("\xF0\x9F\x91").length, -1);
  EXPECT_EQ(decode("ab\xF0\x9F", 2).length, -1);
  // A beginning that is already wrong is invalid, end or not.
  EXPECT_EQ(at_start("\xE0\x80").length, 0);
  EXPECT_EQ(at_start("\xED\xA0").length, 0);
}

TEST(UtilUtf8, StepOverSkipsABadByteAlone) {
  const std::string text =
      "\xC3"
      "a\xE2\x82\xAC\xF0\x9F";
  EXPECT_EQ(step_over(text, 0), 1u);  // bad lead: one byte
  EXPECT_EQ(step_over(text, 1), 1u);  // 'a'
  EXPECT_EQ(step_over(text, 2), 3u);  // '€'
  EXPECT_EQ(step_over(text, 5), 1u);  // cut short at the end
}

TEST(UtilUtf8, AppendEncodesWhatDecodeReads) {
  for (const char32_t cp : {U'a', U'\u007F', U'\u0080', U'é', U'\u07FF', U'\u0800', U'€', U'\uFFFD',
                            U'\U00010000', U'\U0001F44D', U'\U0010FFFF'}) {
    std::string out;
    append(out, cp);
    const Step step = decode(out, 0);
    EXPECT_EQ(step.code_point, cp);
    EXPECT_EQ(step.length, static_cast<int>(out.size()));
  }
}

}  // namespace
}  // namespace tocsin::utf8
