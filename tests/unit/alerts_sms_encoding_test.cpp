// SMS encoding choice, unit and segment counts at the concatenation limits, the characters
// that force UCS-2, and the GSM-friendly rewrite of French text.

#include "alerts/sms_encoding.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tocsin::alerts {
namespace {

std::string repeat(std::string_view piece, size_t times) {
  std::string out;
  for (size_t i = 0; i < times; ++i) out += piece;
  return out;
}

const std::string kEmoji = "\xF0\x9F\x9A\xA8";  // U+1F6A8, a surrogate pair in UTF-16

TEST(AlertsSmsMeasure, EmptyTextIsOneGsmSegment) {
  const SmsShape shape = measure_sms("");
  EXPECT_EQ(shape.encoding, SmsEncoding::gsm7);
  EXPECT_EQ(shape.units, 0u);
  EXPECT_EQ(shape.segments, 1u);
  EXPECT_TRUE(shape.non_gsm_characters.empty());
}

TEST(AlertsSmsMeasure, AsciiSegmentLimits) {
  const struct {
    size_t length, segments;
  } cases[] = {{1, 1}, {160, 1}, {161, 2}, {306, 2}, {307, 3}, {459, 3}, {460, 4}};
  for (const auto& c : cases) {
    const SmsShape shape = measure_sms(std::string(c.length, 'a'));
    EXPECT_EQ(shape.encoding, SmsEncoding::gsm7) << c.length;
    EXPECT_EQ(shape.units, c.length);
    EXPECT_EQ(shape.segments, c.segments) << c.length;
  }
}

TEST(AlertsSmsMeasure, ExtensionCharactersCountTwoSeptets) {
  for (const char* ext : {"^", "{", "}", "\\", "[", "~", "]", "|", "\xE2\x82\xAC", "\f"}) {
    const SmsShape shape = measure_sms(std::string("a") + ext);
    EXPECT_EQ(shape.encoding, SmsEncoding::gsm7) << ext;
    EXPECT_EQ(shape.units, 3u) << ext;
  }
  EXPECT_EQ(measure_sms(repeat("\xE2\x82\xAC", 80)).segments, 1u);  // 160 septets
  const SmsShape shape = measure_sms(repeat("\xE2\x82\xAC", 81));
  EXPECT_EQ(shape.units, 162u);
  EXPECT_EQ(shape.segments, 2u);
}

TEST(AlertsSmsMeasure, ExtensionCharacterAtPartBoundaryMovesToNextPart) {
  // 152 + 2 + 152 = 306 septets would fit two parts of 153, but the € would straddle them:
  // the first part ends after 152 septets and the last 'a' spills into a third.
  const std::string straddling = std::string(152, 'a') + "\xE2\x82\xAC" + std::string(152, 'a');
  EXPECT_EQ(measure_sms(straddling).units, 306u);
  EXPECT_EQ(measure_sms(straddling).segments, 3u);
  // Shifted by one, the € ends the first part exactly.
  const std::string fitting = std::string(151, 'a') + "{" + std::string(153, 'a');
  EXPECT_EQ(measure_sms(fitting).units, 306u);
  EXPECT_EQ(measure_sms(fitting).segments, 2u);
}

TEST(AlertsSmsMeasure, FrenchLettersOfTheGsmTableStayGsm7) {
  const SmsShape shape = measure_sms("é à è ù É Ç ì ò Ä Ö Ñ Ü ä ö ñ ü Å å Æ æ Ø ø ß");
  EXPECT_EQ(shape.encoding, SmsEncoding::gsm7);
  EXPECT_TRUE(shape.non_gsm_characters.empty());
  EXPECT_EQ(shape.units, 45u);  // 23 letters, 22 spaces
  const SmsShape symbols = measure_sms("@£$¥_ΔΦΓΛΩΠΨΣΘΞ¤¡¿§\n\r !\"#%&'()*+,-./:;<=>?");
  EXPECT_EQ(symbols.encoding, SmsEncoding::gsm7);
  EXPECT_TRUE(symbols.non_gsm_characters.empty());
}

TEST(AlertsSmsMeasure, EachNonGsmCharacterForcesUcs2AndIsListed) {
  for (const char* c : {"â", "ê", "î",      "ô",      "û", "ë",  "ï",
                        "ÿ", "œ", "Œ",      "À",      "Â", "È",  "Ê",
                        "Ë", "Î", "Ï",      "Ô",      "Ù", "Û",  "«",
                        "»", "’", "‘",      "“",      "”", "–",  "—",
                        "…", "ç", "\u00A0", "\u202F", "`", "\t", "\xF0\x9F\x9A\xA8"}) {
    const SmsShape shape = measure_sms(std::string("Alerte ") + c + " ici");
    EXPECT_EQ(shape.encoding, SmsEncoding::ucs2) << c;
    EXPECT_EQ(shape.non_gsm_characters, std::vector<std::string>{c}) << c;
  }
}

TEST(AlertsSmsMeasure, NonGsmCharactersAreDistinctInOrderOfFirstAppearance) {
  const SmsShape shape = measure_sms("Côté forêt: l’été, ô forêt’");
  EXPECT_EQ(shape.non_gsm_characters, (std::vector<std::string>{"ô", "ê", "’"}));
  EXPECT_EQ(shape.units, 27u);
}

TEST(AlertsSmsMeasure, Ucs2SegmentLimits) {
  const struct { size_t length, segments; } cases[] = {{70, 1}, {71, 2}, {134, 2}, {135, 3}};
  for (const auto& c : cases) {
    const SmsShape shape = measure_sms("ê" + std::string(c.length - 1, 'a'));
    EXPECT_EQ(shape.encoding, SmsEncoding::ucs2) << c.length;
    EXPECT_EQ(shape.units, c.length);
    EXPECT_EQ(shape.segments, c.segments) << c.length;
  }
}

TEST(AlertsSmsMeasure, SurrogatePairIsNeverSplit) {
  EXPECT_EQ(measure_sms(kEmoji).units, 2u);
  // A single message holds 70 units, pair or not.
  EXPECT_EQ(measure_sms(repeat("ê", 68) + kEmoji).segments, 1u);
  // 66 + 2 + 66 = 134 units would fill two parts of 67, but the pair would straddle them.
  const SmsShape straddling = measure_sms(repeat("ê", 66) + kEmoji + repeat("ê", 66));
  EXPECT_EQ(straddling.units, 134u);
  EXPECT_EQ(straddling.segments, 3u);
  const SmsShape fitting = measure_sms(repeat("ê", 65) + kEmoji + repeat("ê", 67));
  EXPECT_EQ(fitting.units, 134u);
  EXPECT_EQ(fitting.segments, 2u);
  EXPECT_EQ(measure_sms(repeat(kEmoji, 35)).segments, 1u);
  EXPECT_EQ(measure_sms(repeat(kEmoji, 36)).segments, 2u);  // 33 pairs (66 units) + 3
}

TEST(AlertsSmsMeasure, InvalidUtf8BytesCountAsReplacementCharacters) {
  const SmsShape shape = measure_sms("abc\xFF\xC3");
  EXPECT_EQ(shape.encoding, SmsEncoding::ucs2);
  EXPECT_EQ(shape.units, 5u);
  EXPECT_EQ(shape.non_gsm_characters, std::vector<std::string>{"\uFFFD"});
  EXPECT_EQ(measure_sms("\xE2\x82").units, 2u);      // a cut-short € is two stray bytes
  EXPECT_EQ(measure_sms("\xED\xA0\xBD").units, 3u);  // an encoded surrogate is not UTF-8
}

const char* const kFrenchAlert =
    "Assemblée d’urgence dimanche à 10 h — soyez-y! Réponds OUI, NON ou OUI BUS. "
    "Hôpital Fleurimont, salle Côté.";

TEST(AlertsSmsFriendly, FoldingPutsFrenchAlertInGsm7) {
  const SmsShape original = measure_sms(kFrenchAlert);
  EXPECT_EQ(original.encoding, SmsEncoding::ucs2);
  EXPECT_EQ(original.segments, 2u);

  const std::string folded = make_gsm_friendly(kFrenchAlert, true);
  EXPECT_EQ(folded,
            "Assemblée d'urgence dimanche à 10 h - soyez-y! Réponds OUI, NON ou OUI BUS. "
            "Hopital Fleurimont, salle Coté.");
  const SmsShape shape = measure_sms(folded);
  EXPECT_EQ(shape.encoding, SmsEncoding::gsm7);
  EXPECT_EQ(shape.segments, 1u);
  EXPECT_LT(shape.segments, original.segments);
}

TEST(AlertsSmsFriendly, WithoutFoldingOnlyTypographyChanges) {
  const std::string typeset = make_gsm_friendly(kFrenchAlert, false);
  EXPECT_EQ(typeset,
            "Assemblée d'urgence dimanche à 10 h - soyez-y! Réponds OUI, NON ou OUI BUS. "
            "Hôpital Fleurimont, salle Côté.");
  EXPECT_EQ(measure_sms(typeset).non_gsm_characters, std::vector<std::string>{"ô"});
}

TEST(AlertsSmsFriendly, ReplacesTypographyAndFoldsFrenchLetters) {
  EXPECT_EQ(make_gsm_friendly("‘a’ “b” «\u00A0c\u202F» d–e—f…", false),
            "'a' \"b\" \" c \" d-e-f...");
  EXPECT_EQ(make_gsm_friendly("âêîôûëïÿç œ Œ ÀÂÈÊËÎÏÔÙÛŸ", true), "aeioueiyc oe OE AAEEEIIOUUY");
  EXPECT_EQ(make_gsm_friendly("Ç ç é è à ù ê", true), "Ç c é è à ù e");
  EXPECT_EQ(make_gsm_friendly("ê", false), "ê");
}

TEST(AlertsSmsFriendly, Gsm7TextComesBackUnchanged) {
  EXPECT_EQ(make_gsm_friendly("Réunion à 10 h, Ça va {ok} €", true),
            "Réunion à 10 h, Ça va {ok} €");
  EXPECT_EQ(make_gsm_friendly("", true), "");
}

TEST(AlertsSmsFriendly, ExpansionsAreSkippedWhenTheyCannotSave) {
  // The emoji keeps the text in UCS-2: ’ becomes ' at no cost, … and œ stay, as "..." and
  // "oe" would only add units.
  EXPECT_EQ(make_gsm_friendly("l’œuvre… " + kEmoji, true), "l'œuvre… " + kEmoji);
  // 70 '…' are one UCS-2 segment; as 210 septets they would be two.
  const std::string ellipses = repeat("…", 70);
  EXPECT_EQ(make_gsm_friendly(ellipses, true), ellipses);
  // Invalid bytes keep the text in UCS-2 and pass through.
  EXPECT_EQ(make_gsm_friendly("a\xFF’", true), "a\xFF'");
}

TEST(AlertsSmsFriendly, EncodingNames) {
  EXPECT_EQ(name(SmsEncoding::gsm7), "gsm7");
  EXPECT_EQ(name(SmsEncoding::ucs2), "ucs2");
}

}  // namespace
}  // namespace tocsin::alerts
