// The email builder (adapters/smtp/mime_message.h), checked by decoding what it encodes
// with tests/support/mime_decode.h, a reader written separately from it.

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "adapters/smtp/mime_message.h"
#include "tests/support/mime_decode.h"

namespace tocsin::adapters::mime {
namespace {

using testing::crlf_lines;
using testing::decode_base64;
using testing::decode_quoted_printable;
using testing::decode_words;
using testing::parse_entity;
using testing::with_lf;

// Number of bytes of the UTF-8 character `lead` starts.
size_t utf8_sequence_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead >= 0xf0) return 4;
  if (lead >= 0xe0) return 3;
  return 2;
}

// True when text is whole UTF-8 characters: no sequence cut at either end.
bool whole_utf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    if ((lead & 0xc0) == 0x80) return false;  // starts in the middle of a character
    const size_t length = utf8_sequence_length(lead);
    if (i + length > text.size()) return false;
    for (size_t k = 1; k < length; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xc0) != 0x80) return false;
    }
    i += length;
  }
  return true;
}

// The encoded text of one "=?UTF-8?B?...?=" word.
std::string word_payload(const std::string& word) {
  EXPECT_EQ(word.rfind("=?UTF-8?B?", 0), 0u) << word;
  EXPECT_EQ(word.substr(word.size() - 2), "?=") << word;
  return word.substr(10, word.size() - 12);
}

void expect_lines_within(const std::string& text, size_t limit) {
  const auto lines = crlf_lines(text);
  for (size_t i = 0; i < lines.size(); ++i) {
    EXPECT_LE(lines[i].size(), limit) << "line " << i << ": " << lines[i];
  }
}

void expect_crlf_only(const std::string& text) {
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') {
      ASSERT_TRUE(i > 0 && text[i - 1] == '\r') << "bare LF at " << i;
    }
    if (text[i] == '\r') {
      ASSERT_TRUE(i + 1 < text.size() && text[i + 1] == '\n') << "bare CR at " << i;
    }
  }
}

const std::string kFrenchSubject =
    "Grève générale : assemblée d’urgence dimanche à 7 h — « soyez-y » ✊🏽 Ça compte "
    "!";

TEST(AdaptersMimeMessage, EncodedWordsNeverSplitACharacterAndStayWithin75) {
  // Emoji of 4 bytes and accents of 2 at every offset against the word capacity.
  for (size_t shift = 0; shift < 4; ++shift) {
    const std::string text = std::string(shift, 'x') + kFrenchSubject + "😀😀😀éàèç";
    const auto words = encoded_words(text, 40);
    ASSERT_GT(words.size(), 2u);
    std::string joined;
    for (size_t i = 0; i < words.size(); ++i) {
      SCOPED_TRACE(words[i]);
      EXPECT_LE(words[i].size(), i == 0 ? 40u : 75u);
      const std::string bytes = decode_base64(word_payload(words[i]));
      EXPECT_TRUE(whole_utf8(bytes)) << "word " << i << " cuts a character";
      joined += bytes;
    }
    EXPECT_EQ(joined, text);
  }
}

TEST(AdaptersMimeMessage, EncodedWordsUseTheRoomTheyHave) {
  // The 63 characters a 75-character word has besides "=?UTF-8?B?" and "?=" hold 15 base64
  // groups: 45 bytes, in a word of 72 characters.
  const auto words = encoded_words(std::string(90, 'a'));
  ASSERT_EQ(words.size(), 2u);
  EXPECT_EQ(words[0].size(), 72u);
  EXPECT_EQ(words[1].size(), 72u);
  EXPECT_TRUE(encoded_words("").empty());
  // No room for even one character on the first line: the first word is a full one.
  EXPECT_EQ(encoded_words("é", 5).size(), 1u);
}

TEST(AdaptersMimeMessage, NonAsciiSubjectIsEncodedFoldedAndDecodesExactly) {
  const std::string subject = kFrenchSubject + " " + kFrenchSubject;
  const std::string header = unstructured_header("Subject", subject);
  expect_crlf_only(header);
  ASSERT_EQ(header.substr(header.size() - 2), "\r\n");
  expect_lines_within(header, 76);  // RFC 2047: lines with encoded-words, at most 76
  const auto lines = crlf_lines(header.substr(0, header.size() - 2));
  ASSERT_GT(lines.size(), 2u) << "a long subject folds";
  EXPECT_EQ(lines[0].rfind("Subject: =?UTF-8?B?", 0), 0u);
  for (size_t i = 1; i < lines.size(); ++i) {
    EXPECT_EQ(lines[i].rfind(" =?UTF-8?B?", 0), 0u) << "continuation " << lines[i];
  }
  const auto entity = parse_entity(header + "\r\n");
  EXPECT_EQ(decode_words(entity.header("Subject")), subject);
}

TEST(AdaptersMimeMessage, AsciiSubjectStaysReadableAndFoldsAtSpaces) {
  std::string subject;
  for (int i = 0; i < 20; ++i) subject += "Emergency general assembly " + std::to_string(i) + " ";
  subject.pop_back();
  const std::string header = unstructured_header("Subject", subject);
  EXPECT_EQ(header.find("=?"), std::string::npos);
  expect_lines_within(header, 76);
  EXPECT_GT(crlf_lines(header).size(), 3u);
  EXPECT_EQ(parse_entity(header + "\r\n").header("Subject"), subject);

  EXPECT_EQ(unstructured_header("Subject", "Short one"), "Subject: Short one\r\n");
}

TEST(AdaptersMimeMessage, AHugeWordIsEncodedRatherThanPassing998Octets) {
  const std::string url = "https://example.org/" + std::string(1500, 'a');
  const std::string header = unstructured_header("Subject", "See " + url);
  expect_lines_within(header, 76);
  EXPECT_EQ(decode_words(parse_entity(header + "\r\n").header("Subject")), "See " + url);
}

TEST(AdaptersMimeMessage, LineBreaksInAHeaderValueCannotAddAHeader) {
  for (const std::string& subject :
       {std::string("Alerte\r\nBcc: everyone@example.org"), std::string("Alerte\nBcc: x@y.ca"),
        std::string("Grève\r\nBcc: everyone@example.org")}) {
    const std::string header = unstructured_header("Subject", subject);
    const auto entity = parse_entity(header + "\r\n");
    ASSERT_EQ(entity.headers.size(), 1u) << header;
    EXPECT_EQ(entity.count("Bcc"), 0u);
    EXPECT_EQ(decode_words(entity.header("Subject")).find('\n'), std::string::npos);
  }
  EXPECT_EQ(unstructured_header("Subject", "  a \t\r\n b  "), "Subject: a b\r\n");
}

TEST(AdaptersMimeMessage, TextThatLooksLikeAnEncodedWordIsEncoded) {
  const std::string subject = "literal =?UTF-8?B?SGk=?= text";
  const std::string header = unstructured_header("Subject", subject);
  EXPECT_EQ(decode_words(parse_entity(header + "\r\n").header("Subject")), subject);
}

TEST(AdaptersMimeMessage, QuotedPrintableRoundTripsALongFrenchParagraph) {
  std::string paragraph;
  while (paragraph.size() < 5000) {
    paragraph += "L’assemblée générale extraordinaire a lieu à l’aréna, côté « Est » = 100 % ";
  }
  const std::string text = "Bonjour Zoé,\n\n" + paragraph + "\n\nÀ bientôt.\n";
  const std::string encoded = quoted_printable(text);
  expect_crlf_only(encoded);
  expect_lines_within(encoded, 76);
  for (char c : encoded) {
    ASSERT_LT(static_cast<unsigned char>(c), 0x80) << "quoted-printable is 7-bit";
  }
  EXPECT_NE(encoded.find("extraordinaire a lieu"), std::string::npos);
  EXPECT_NE(encoded.find("g=C3=A9n=C3=A9rale"), std::string::npos) << "readable French";
  EXPECT_EQ(encoded.find("=_"), std::string::npos) << "a boundary starting =_ stays safe";
  EXPECT_EQ(with_lf(decode_quoted_printable(encoded)), text);
}

TEST(AdaptersMimeMessage, QuotedPrintableEncodesWhatTransportWouldDamage) {
  // Trailing white space (stripped by some relays), "=" and the mbox "From " line.
  const std::string text = "trailing space \nand tab\t\nFrom here on\na=b\r\n.\n..dots";
  const std::string encoded = quoted_printable(text);
  EXPECT_NE(encoded.find("space=20\r\n"), std::string::npos) << encoded;
  EXPECT_NE(encoded.find("tab=09\r\n"), std::string::npos) << encoded;
  EXPECT_NE(encoded.find("=46rom here on"), std::string::npos) << encoded;
  EXPECT_NE(encoded.find("a=3Db"), std::string::npos) << encoded;
  // A line of "." is left alone: libcurl dot-stuffs DATA (io_smtp_test proves it).
  EXPECT_NE(encoded.find("\r\n.\r\n..dots"), std::string::npos) << encoded;
  EXPECT_EQ(with_lf(decode_quoted_printable(encoded)), with_lf(text));
}

TEST(AdaptersMimeMessage, QuotedPrintableNeverCutsAnEscape) {
  // Multi-byte characters at every alignment against the soft line break.
  for (size_t shift = 0; shift < 3; ++shift) {
    const std::string text = std::string(shift, 'x') + std::string(300, 'a') + "é€😀" +
                             std::string(shift * 7, 'b') + "ééééééééééééééééééééééééééé";
    const std::string encoded = quoted_printable(text);
    expect_lines_within(encoded, 76);
    for (const auto& line : crlf_lines(encoded)) {
      const size_t last_equals = line.rfind('=');
      if (last_equals != std::string::npos) {
        EXPECT_TRUE(last_equals + 1 == line.size() || last_equals + 3 <= line.size()) << line;
      }
    }
    EXPECT_EQ(decode_quoted_printable(encoded), text);
  }
}

TEST(AdaptersMimeMessage, HtmlFromTextEscapesEverything) {
  const std::string html = html_from_text("Tom & Jerry <script>alert('x')</script> \"quoted\"",
                                          "fr", "Sujet <b>gras</b>");
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_NE(html.find("Tom &amp; Jerry &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; "
                      "&quot;quoted&quot;"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("<title>Sujet &lt;b&gt;gras&lt;/b&gt;</title>"), std::string::npos);
  EXPECT_NE(html.find("<html lang=\"fr\">"), std::string::npos);
  EXPECT_NE(html.find("<meta charset=\"UTF-8\">"), std::string::npos);
}

TEST(AdaptersMimeMessage, HtmlFromTextMakesParagraphsLineBreaksAndLinks) {
  const std::string html = html_from_text(
      "Bonjour Zoé,\nVotre lien : https://tocsin.example.org/r/Ab3_x?a=1&b=2.\n\n\n"
      "Répondez (https://tocsin.example.org/r/Zz) ou «https://x.example.org/é».\n \n"
      "http://plain.example.org, https:// alone",
      "en", "t");
  EXPECT_NE(html.find("<p>Bonjour Zoé,<br>\nVotre lien : "
                      "<a href=\"https://tocsin.example.org/r/Ab3_x?a=1&amp;b=2\">"
                      "https://tocsin.example.org/r/Ab3_x?a=1&amp;b=2</a>.</p>"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("<p>Répondez (<a href=\"https://tocsin.example.org/r/Zz\">"
                      "https://tocsin.example.org/r/Zz</a>) ou «"
                      "<a href=\"https://x.example.org/\">https://x.example.org/</a>é».</p>"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("<p><a href=\"http://plain.example.org\">http://plain.example.org</a>, "
                      "https:// alone</p>"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("<html lang=\"en\">"), std::string::npos);
  EXPECT_EQ(html.find("<p></p>"), std::string::npos);
}

TEST(AdaptersMimeMessage, HtmlLeavesOutALanguageThatIsNotATag) {
  EXPECT_NE(html_from_text("x", "\"><script>", "t").find("<html>"), std::string::npos);
}

TEST(AdaptersMimeMessage, MailboxesParse) {
  auto bare = parse_mailbox(" mobilisation@syndicat.qc.ca ");
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->address, "mobilisation@syndicat.qc.ca");
  EXPECT_EQ(bare->display_name, "");

  auto named = parse_mailbox("Syndicat de l’Estrie <mobilisation@syndicat.qc.ca>");
  ASSERT_TRUE(named);
  EXPECT_EQ(named->display_name, "Syndicat de l’Estrie");
  EXPECT_EQ(named->address, "mobilisation@syndicat.qc.ca");

  auto quoted = parse_mailbox(R"("Local 12, \"Estrie\"" <a@b.qc.ca>)");
  ASSERT_TRUE(quoted);
  EXPECT_EQ(quoted->display_name, "Local 12, \"Estrie\"");

  std::string error;
  EXPECT_FALSE(parse_mailbox("Syndicat <not an address>", &error));
  EXPECT_NE(error.find("not a valid address"), std::string::npos);
  EXPECT_FALSE(parse_mailbox("\"open <a@b.ca>", &error));
  EXPECT_FALSE(parse_mailbox("nobody", &error));
  EXPECT_FALSE(parse_mailbox("a@b.ca\r\nBcc: c@d.ca", &error));
}

TEST(AdaptersMimeMessage, AddressesAreCheckedAsTheyAre) {
  EXPECT_TRUE(is_valid_address("Marie.Tremblay+alertes@Exemple.QC.ca"));
  EXPECT_FALSE(is_valid_address(" a@b.ca"));
  EXPECT_FALSE(is_valid_address("a@b.ca\r\n"));
  EXPECT_FALSE(is_valid_address("a@b.ca\n"));
  EXPECT_FALSE(is_valid_address("a@b.ca\rRCPT TO:<c@d.ca>"));
  EXPECT_FALSE(is_valid_address(std::string("a@b.ca\0", 7)));
  EXPECT_FALSE(is_valid_address("a b@c.ca"));
  EXPECT_FALSE(is_valid_address("zoé@exemple.qc.ca"));  // SMTPUTF8 is not asked for
  EXPECT_FALSE(is_valid_address("<a@b.ca>"));
  EXPECT_FALSE(is_valid_address(""));
}

TEST(AdaptersMimeMessage, DisplayNamesArePhrasesOrEncodedWords) {
  EXPECT_EQ(mailbox_header("From", {"Syndicat FAE-CSQ", "a@b.qc.ca"}),
            "From: Syndicat FAE-CSQ <a@b.qc.ca>\r\n");
  EXPECT_EQ(mailbox_header("From", {"Local 12, Estrie", "a@b.qc.ca"}),
            "From: \"Local 12, Estrie\" <a@b.qc.ca>\r\n");
  EXPECT_EQ(mailbox_header("From", {"say \"hi\"", "a@b.qc.ca"}),
            "From: \"say \\\"hi\\\"\" <a@b.qc.ca>\r\n");
  EXPECT_EQ(mailbox_header("To", {"", "a@b.qc.ca"}), "To: a@b.qc.ca\r\n");

  const std::string name = "Fédération des travailleuses et travailleurs du Québec – Région Estrie";
  const std::string header = mailbox_header("From", {name, "a@b.qc.ca"});
  expect_lines_within(header, 76);
  const std::string value = parse_entity(header + "\r\n").header("From");
  EXPECT_EQ(value.rfind("=?UTF-8?B?", 0), 0u);
  EXPECT_EQ(decode_words(value), name + " <a@b.qc.ca>");
}

TEST(AdaptersMimeMessage, ListHeaderFoldsBetweenItems) {
  const std::string header =
      list_header("List-Unsubscribe", {"<mailto:desabonnement@syndicat.qc.ca?subject=unsubscribe>",
                                       "<https://tocsin.syndicat.qc.ca/r/AbCdEfGhIjKlMnOp>"});
  EXPECT_EQ(header,
            "List-Unsubscribe: <mailto:desabonnement@syndicat.qc.ca?subject=unsubscribe>,\r\n"
            " <https://tocsin.syndicat.qc.ca/r/AbCdEfGhIjKlMnOp>\r\n");
}

TEST(AdaptersMimeMessage, DateIsRfc5322InUtc) {
  using namespace std::chrono;
  EXPECT_EQ(rfc5322_date(system_clock::time_point(seconds(1736258589))),
            "Tue, 07 Jan 2025 14:03:09 +0000");
  EXPECT_EQ(rfc5322_date(system_clock::time_point(seconds(0))), "Thu, 01 Jan 1970 00:00:00 +0000");
}

TEST(AdaptersMimeMessage, LanguageTags) {
  EXPECT_TRUE(is_language_tag("fr"));
  EXPECT_TRUE(is_language_tag("en"));
  EXPECT_TRUE(is_language_tag("fr-CA"));
  EXPECT_TRUE(is_language_tag("es-419"));
  EXPECT_FALSE(is_language_tag(""));
  EXPECT_FALSE(is_language_tag("f"));
  EXPECT_FALSE(is_language_tag("fr-"));
  EXPECT_FALSE(is_language_tag("fr CA"));
  EXPECT_FALSE(is_language_tag("1fr"));
  EXPECT_FALSE(is_language_tag("fr\r\nX-Evil: 1"));
}

MessageParts sample_parts() {
  MessageParts parts;
  parts.from = {"Syndicat", "mobilisation@syndicat.qc.ca"};
  parts.to = "zoe.gagnon@exemple.qc.ca";
  parts.subject = "Grève : assemblée dimanche";
  parts.date = "Tue, 07 Jan 2025 14:03:09 +0000";
  parts.message_id = "tocsin.0123@syndicat.qc.ca";
  parts.language = "fr";
  parts.extra_headers = {"Auto-Submitted: auto-generated\r\n"};
  parts.text = "Bonjour Zoé,\n\nL’assemblée a lieu à 19 h.\n";
  parts.html = "<p>Bonjour Zoé</p>";
  parts.boundary = "=_tocsin_abc";
  return parts;
}

TEST(AdaptersMimeMessage, MessageIsMultipartAlternativeWithCrlfEverywhere) {
  const MessageParts parts = sample_parts();
  const std::string message = build_message(parts);
  expect_crlf_only(message);
  expect_lines_within(message, 76);
  const auto entity = parse_entity(message);
  EXPECT_EQ(entity.header("MIME-Version"), "1.0");
  EXPECT_EQ(entity.header("Content-Language"), "fr");
  EXPECT_EQ(entity.header("Message-ID"), "<tocsin.0123@syndicat.qc.ca>");
  EXPECT_EQ(entity.header("Auto-Submitted"), "auto-generated");
  EXPECT_EQ(decode_words(entity.header("Subject")), parts.subject);
  ASSERT_EQ(testing::boundary_of(entity.header("Content-Type")), parts.boundary);
  EXPECT_EQ(entity.header("Content-Type").rfind("multipart/alternative;", 0), 0u);

  const auto alternatives = testing::split_multipart(entity.body, parts.boundary);
  ASSERT_EQ(alternatives.size(), 2u);
  EXPECT_EQ(alternatives[0].header("Content-Type"), "text/plain; charset=UTF-8");
  EXPECT_EQ(alternatives[0].header("Content-Transfer-Encoding"), "quoted-printable");
  EXPECT_EQ(with_lf(decode_quoted_printable(alternatives[0].body)), parts.text);
  EXPECT_EQ(alternatives[1].header("Content-Type"), "text/html; charset=UTF-8");
  EXPECT_EQ(decode_quoted_printable(alternatives[1].body), parts.html);
  EXPECT_EQ(message.substr(message.size() - 18), "--=_tocsin_abc--\r\n");
}

TEST(AdaptersMimeMessage, NoLanguageNoContentLanguage) {
  MessageParts parts = sample_parts();
  parts.language = "";
  EXPECT_EQ(parse_entity(build_message(parts)).count("Content-Language"), 0u);
}

}  // namespace
}  // namespace tocsin::adapters::mime
