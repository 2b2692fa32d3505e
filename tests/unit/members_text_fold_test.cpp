#include "members/text_fold.h"

#include <gtest/gtest.h>

namespace tocsin::members {
namespace {

TEST(MembersTextFold, LowercasesAndStripsFrenchAccents) {
  EXPECT_EQ(fold("Montérégie"), "monteregie");
  EXPECT_EQ(fold("ÉCOLE"), "ecole");
  EXPECT_EQ(fold("Françoise"), "francoise");
  EXPECT_EQ(fold("Gaspésie–Îles-de-la-Madeleine"), "gaspesie–iles-de-la-madeleine");
  EXPECT_EQ(fold("àâäçéèêëîïôöùûüÿ"), "aaaceeeeiioouuuy");
  EXPECT_EQ(fold("ÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸ"), "aaaceeeeiioouuuy");
}

TEST(MembersTextFold, ExpandsLigatures) {
  EXPECT_EQ(fold("Cœur"), "coeur");
  EXPECT_EQ(fold("ŒUVRE"), "oeuvre");
  EXPECT_EQ(fold("Æsir"), "aesir");
  EXPECT_EQ(fold("Straße"), "strasse");
  EXPECT_EQ(fold("Þór"), "thor");
  EXPECT_EQ(fold("Ĳssel"), "ijssel");
}

TEST(MembersTextFold, CoversLatinSupplementAndExtendedA) {
  EXPECT_EQ(fold("Muñoz"), "munoz");
  EXPECT_EQ(fold("Łódź"), "lodz");
  EXPECT_EQ(fold("Dvořák"), "dvorak");
  EXPECT_EQ(fold("Ørsted"), "orsted");
  EXPECT_EQ(fold("Şişli"), "sisli");
  EXPECT_EQ(fold("ÐĐđ"), "ddd");
  // Not letters: kept as they are.
  EXPECT_EQ(fold("2×3÷4"), "2×3÷4");
}

TEST(MembersTextFold, DropsCombiningAccentsFromDecomposedText) {
  EXPECT_EQ(fold("Me\xCC\x81tis"), "metis");  // e + U+0301, as macOS may write it
}

TEST(MembersTextFold, MapsCurlyApostrophes) {
  EXPECT_EQ(fold("Titre d’emploi"), "titre d'emploi");
  EXPECT_EQ(fold("‘quoted’"), "'quoted'");
}

TEST(MembersTextFold, TrimsAndCollapsesWhitespace) {
  EXPECT_EQ(fold("  Jean   Tremblay \t"), "jean tremblay");
  EXPECT_EQ(fold("Jean\xC2\xA0\xE2\x80\xAFTremblay"), "jean tremblay");  // NBSP, narrow NBSP
  EXPECT_EQ(fold("\r\n"), "");
  EXPECT_EQ(fold(""), "");
}

TEST(MembersTextFold, DropsBomAndZeroWidthCharacters) {
  EXPECT_EQ(fold("\xEF\xBB\xBFPr\xE2\x80\x8Bénom"), "prenom");
}

TEST(MembersTextFold, PassesOtherUtf8Through) {
  EXPECT_EQ(fold("Ελλάδα ABC"), "Ελλάδα abc");
  EXPECT_EQ(fold("東京"), "東京");
}

TEST(MembersTextFold, DropsInvalidBytes) {
  EXPECT_EQ(fold("Mont\xE9r\xE9gie"), "montrgie");  // Windows-1252 é is not UTF-8
  EXPECT_EQ(fold("ab\xC3"), "ab");                  // cut sequence
  EXPECT_EQ(fold("\xC0\xAF"
                 "x"),
            "x");  // overlong
}

TEST(MembersTextFold, ValidatesUtf8Strictly) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain ascii that is longer than eight bytes"));
  EXPECT_TRUE(is_valid_utf8("Montérégie, Cœur, 東京, 🙂"));
  EXPECT_FALSE(is_valid_utf8("Mont\xE9r\xE9gie"));
  EXPECT_FALSE(is_valid_utf8("abcdefghijkl\xC3"));  // cut at the end
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong /
  EXPECT_FALSE(is_valid_utf8("\xE0\x80\xAF"));      // overlong
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\x80"));              // lone continuation
  EXPECT_TRUE(is_valid_utf8("\xF4\x8F\xBF\xBF"));   // U+10FFFF
}

}  // namespace
}  // namespace tocsin::members
