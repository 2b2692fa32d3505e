#include "members/encoding.h"

#include <gtest/gtest.h>

#include <string>

#include "members/text_fold.h"

namespace tocsin::members {
namespace {

std::string convert_whole(std::string_view input, SourceEncoding* encoding = nullptr) {
  Utf8Converter converter;
  std::string out = converter.convert(input);
  out += converter.finish();
  if (encoding) *encoding = converter.encoding();
  return out;
}

TEST(MembersEncoding, PlainUtf8PassesThrough) {
  SourceEncoding encoding;
  EXPECT_EQ(convert_whole("Région,Prénom\nMontérégie,Françoise\n", &encoding),
            "Région,Prénom\nMontérégie,Françoise\n");
  EXPECT_EQ(encoding, SourceEncoding::utf8);
}

TEST(MembersEncoding, EmptyInputIsEmpty) {
  SourceEncoding encoding;
  EXPECT_EQ(convert_whole("", &encoding), "");
  EXPECT_EQ(encoding, SourceEncoding::utf8);
}

TEST(MembersEncoding, BomIsStripped) {
  SourceEncoding encoding;
  EXPECT_EQ(convert_whole("\xEF\xBB\xBFNom,Prénom\n", &encoding), "Nom,Prénom\n");
  EXPECT_EQ(encoding, SourceEncoding::utf8_bom);
}

TEST(MembersEncoding, BomSplitAcrossChunksIsStripped) {
  Utf8Converter converter;
  std::string out = converter.convert("\xEF");
  out += converter.convert("\xBB");
  out += converter.convert("\xBFNom");
  out += converter.finish();
  EXPECT_EQ(out, "Nom");
  EXPECT_EQ(converter.encoding(), SourceEncoding::utf8_bom);
}

TEST(MembersEncoding, Windows1252IsConverted) {
  // As Excel on Windows saves it: é = E9, ç = E7, œ = 9C, ’ = 92, É = C9, € = 80.
  const std::string cp1252 =
      "R\xE9gion;Pr\xE9nom;Nom\r\n"
      "Mont\xE9r\xE9gie;Fran\xE7oise;C\x9Cur\r\n"
      "\xC9"
      "cole;L\x92Heureux;80 \x80\r\n";
  SourceEncoding encoding;
  EXPECT_EQ(convert_whole(cp1252, &encoding),
            "Région;Prénom;Nom\r\n"
            "Montérégie;Françoise;Cœur\r\n"
            "École;L’Heureux;80 €\r\n");
  EXPECT_EQ(encoding, SourceEncoding::windows_1252);
}

TEST(MembersEncoding, UndefinedWindows1252BytesBecomeReplacementCharacter) {
  EXPECT_EQ(convert_whole("caf\xE9 \x81\x8D\x8F\x90\x9D!"),
            "café \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD!");
}

TEST(MembersEncoding, Windows1252DecidedAfterAsciiOnlyFirstChunk) {
  Utf8Converter converter;
  std::string out = converter.convert("Nom,Prenom\nTremblay,Jean\n");
  EXPECT_FALSE(converter.decided());
  out += converter.convert("C\xF4t\xE9,H\xE9l\xE8ne\n");
  out += converter.finish();
  EXPECT_EQ(out, "Nom,Prenom\nTremblay,Jean\nCôté,Hélène\n");
  EXPECT_EQ(converter.encoding(), SourceEncoding::windows_1252);
}

TEST(MembersEncoding, Windows1252ChunksAreConvertedIndependently) {
  Utf8Converter converter;
  std::string out = converter.convert("Fran\xE7oise ");
  out += converter.convert("\xE9t\xE9");
  out += converter.finish();
  EXPECT_EQ(out, "Françoise été");
}

TEST(MembersEncoding, Utf8SplitAtEveryByteIsCarriedOver) {
  const std::string text = "Montérégie, Cœur, 東京 🙂 L’Heureux";
  const std::string whole = convert_whole(text);
  ASSERT_EQ(whole, text);
  for (size_t split = 0; split <= text.size(); ++split) {
    Utf8Converter converter;
    std::string out = converter.convert(std::string_view(text).substr(0, split));
    out += converter.convert(std::string_view(text).substr(split));
    out += converter.finish();
    EXPECT_EQ(out, text) << "split at " << split;
    EXPECT_EQ(converter.encoding(), SourceEncoding::utf8) << "split at " << split;
  }
}

TEST(MembersEncoding, CutSequenceIsHeldBackUntilNextChunk) {
  Utf8Converter converter;
  EXPECT_EQ(converter.convert("Mont\xC3"), "Mont");
  EXPECT_EQ(converter.encoding(), SourceEncoding::utf8);
  EXPECT_EQ(converter.convert("\xA9r\xC3\xA9gie"), "\xC3\xA9r\xC3\xA9gie");
  EXPECT_EQ(converter.finish(), "");
}

TEST(MembersEncoding, CutSequenceAtEndOfFileIsPassedThroughForTheImporter) {
  Utf8Converter converter;
  std::string out = converter.convert("é,\xE2\x82");
  out += converter.finish();
  EXPECT_EQ(out, "é,\xE2\x82");
  EXPECT_FALSE(is_valid_utf8(out));
}

TEST(MembersEncoding, LaterInvalidUtf8IsLeftForTheImporter) {
  Utf8Converter converter;
  std::string out = converter.convert("Région,Nom\nEstrie,Côté\n");
  EXPECT_EQ(converter.encoding(), SourceEncoding::utf8);
  const std::string bad_row = "Estrie,C\xF4t\xE9\n";
  out += converter.convert(bad_row);
  out += converter.finish();
  EXPECT_EQ(converter.encoding(), SourceEncoding::utf8);
  EXPECT_EQ(out, "Région,Nom\nEstrie,Côté\n" + bad_row);  // bytes unchanged
  EXPECT_FALSE(is_valid_utf8("C\xF4t\xE9"));
}

}  // namespace
}  // namespace tocsin::members
