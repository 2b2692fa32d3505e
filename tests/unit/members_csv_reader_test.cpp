#include "members/csv_reader.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "members/encoding.h"
#include "members/text_fold.h"

namespace tocsin::members {
namespace {

using Fields = std::vector<std::string>;

std::vector<CsvRecord> drain(CsvReader& reader) {
  std::vector<CsvRecord> records;
  while (auto record = reader.next()) records.push_back(std::move(*record));
  return records;
}

std::vector<CsvRecord> read_all(std::string_view input, CsvLimits limits = {}) {
  CsvReader reader(limits);
  reader.feed(input);
  reader.finish();
  return drain(reader);
}

TEST(MembersCsvReader, EmptyInputHasNoRecords) {
  EXPECT_TRUE(read_all("").empty());
  EXPECT_TRUE(read_all("\n\r\n\n").empty());
}

TEST(MembersCsvReader, HeaderOnly) {
  const auto records = read_all("Nom,Prénom,Courriel\n");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].line, 1u);
  EXPECT_EQ(records[0].fields, (Fields{"Nom", "Prénom", "Courriel"}));
  EXPECT_TRUE(records[0].error.empty());
}

TEST(MembersCsvReader, TrailingNewlineMakesNoEmptyRecordAndNoneIsNeeded) {
  EXPECT_EQ(read_all("a,b\n1,2\n").size(), 2u);
  const auto records = read_all("a,b\n1,2");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1].fields, (Fields{"1", "2"}));
}

TEST(MembersCsvReader, EmptyFieldsAreKept) {
  const auto records = read_all("a,,c,\n,\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].fields, (Fields{"a", "", "c", ""}));
  EXPECT_EQ(records[1].fields, (Fields{"", ""}));
  EXPECT_EQ(read_all("a,b,")[0].fields, (Fields{"a", "b", ""}));
}

TEST(MembersCsvReader, QuotedFieldsHoldDelimitersQuotesAndNewlines) {
  const auto records = read_all(
      "id,nom,note\n"
      "1,\"Tremblay, Jean\",\"dit \"\"Ti-Jean\"\"\"\n"
      "2,\"Côté\",\"ligne un\nligne deux\r\nligne trois\"\n"
      "3,\"\",\"\"\"\"\n"
      "4,x,y\n");
  ASSERT_EQ(records.size(), 5u);
  EXPECT_EQ(records[1].fields, (Fields{"1", "Tremblay, Jean", "dit \"Ti-Jean\""}));
  EXPECT_EQ(records[2].fields, (Fields{"2", "Côté", "ligne un\nligne deux\r\nligne trois"}));
  EXPECT_EQ(records[2].line, 3u);
  EXPECT_EQ(records[2].end_line, 5u);
  EXPECT_EQ(records[3].line, 6u);
  EXPECT_EQ(records[3].fields, (Fields{"3", "", "\""}));
  EXPECT_EQ(records[4].line, 7u);
  for (const auto& record : records) EXPECT_TRUE(record.error.empty()) << record.error;
}

TEST(MembersCsvReader, QuoteInsideUnquotedFieldIsLiteral) {
  const auto records = read_all("1,Jean \"Johnny\" Tremblay,x\n2,y,z\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].fields, (Fields{"1", "Jean \"Johnny\" Tremblay", "x"}));
}

TEST(MembersCsvReader, CrLfLfAndLoneCrLineEnds) {
  const auto records = read_all("a,b\r\n1,2\r\n\r\n3,4\n5,6\r7,8\r");
  ASSERT_EQ(records.size(), 5u);
  const std::vector<size_t> lines = {1, 2, 4, 5, 6};
  for (size_t i = 0; i < records.size(); ++i) {
    EXPECT_EQ(records[i].line, lines[i]) << i;
    EXPECT_EQ(records[i].fields.size(), 2u) << i;
    EXPECT_EQ(records[i].fields[1].find('\r'), std::string::npos) << i;
  }
  EXPECT_EQ(records[4].fields, (Fields{"7", "8"}));
}

TEST(MembersCsvReader, BlankLinesAreSkippedButCounted) {
  const auto records = read_all("\n\na,b\n\n\n1,2\n\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].line, 3u);
  EXPECT_EQ(records[1].line, 6u);
}

TEST(MembersCsvReader, DetectsSemicolonFromHeader) {
  CsvReader reader;
  reader.feed("Nom;Prénom;\"Titre; d'emploi\";Région\nCôté;Hélène;\"Infirmière, chef\";Estrie\n");
  reader.finish();
  EXPECT_EQ(reader.delimiter(), ';');
  const auto records = drain(reader);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].fields, (Fields{"Nom", "Prénom", "Titre; d'emploi", "Région"}));
  EXPECT_EQ(records[1].fields, (Fields{"Côté", "Hélène", "Infirmière, chef", "Estrie"}));
}

TEST(MembersCsvReader, DetectsTabAndCommaCountsOutsideQuotesOnly) {
  CsvReader tabs;
  tabs.feed("a\tb\tc\n1\t2\t3\n");
  tabs.finish();
  EXPECT_EQ(tabs.delimiter(), '\t');
  EXPECT_EQ(drain(tabs)[1].fields, (Fields{"1", "2", "3"}));

  CsvReader commas;
  commas.feed("\"a;b;c;d\",e,f\n");
  commas.finish();
  EXPECT_EQ(commas.delimiter(), ',');
  EXPECT_EQ(drain(commas)[0].fields, (Fields{"a;b;c;d", "e", "f"}));
}

TEST(MembersCsvReader, DelimiterDetectionWaitsForTheWholeHeaderLine) {
  CsvReader reader;
  reader.feed("Nom;Pr");
  EXPECT_FALSE(reader.next());
  reader.feed("énom\nA;B\n");
  EXPECT_EQ(reader.delimiter(), ';');
  EXPECT_EQ(drain(reader).size(), 2u);
}

TEST(MembersCsvReader, FixedDelimiterIsNotDetected) {
  const auto records = read_all("a;b,c\n", CsvLimits{.delimiter = ';'});
  EXPECT_EQ(records[0].fields, (Fields{"a", "b,c"}));
}

TEST(MembersCsvReader, UnterminatedQuoteAtEndNamesItsStartLine) {
  const auto records = read_all("id,nom\n1,ok\n2,\"Tremblay\n3,Côté\n");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[2].line, 3u);
  EXPECT_EQ(records[2].end_line, 4u);
  EXPECT_EQ(records[2].error, "unterminated quoted field starting at line 3");
  EXPECT_EQ(records[2].error_field, 1u);
}

TEST(MembersCsvReader, GarbageAfterClosingQuoteSkipsToNextLine) {
  const auto records = read_all("a,b,c\n1,\"x\"y,\"z\nstill line 2\n3,4,5\n");
  ASSERT_EQ(records.size(), 4u);
  EXPECT_EQ(records[1].line, 2u);
  EXPECT_EQ(records[1].error, "unexpected character after closing quote");
  EXPECT_EQ(records[1].error_field, 1u);
  EXPECT_EQ(records[1].fields, (Fields{"1"}));
  // The quote after the error is skipped with the rest of line 2: line 3 reads as data.
  EXPECT_EQ(records[2].line, 3u);
  EXPECT_EQ(records[2].fields, (Fields{"still line 2"}));
  EXPECT_EQ(records[3].line, 4u);
  EXPECT_EQ(records[3].fields, (Fields{"3", "4", "5"}));
}

TEST(MembersCsvReader, TooManyFieldsIsAnErrorAndReadingResumes) {
  const auto records = read_all("a,b,c,d\nx,y\n1,2,3\n", CsvLimits{.max_fields = 3});
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].error, "more than 3 fields");
  EXPECT_EQ(records[0].error_field, 3u);
  EXPECT_TRUE(records[1].error.empty());
  EXPECT_TRUE(records[2].error.empty());
  EXPECT_EQ(read_all("a,b,c,", CsvLimits{.max_fields = 3})[0].error, "more than 3 fields");
}

TEST(MembersCsvReader, DefaultLimitsAllow512Fields) {
  std::string line(511, ',');
  EXPECT_TRUE(read_all(line + "\n")[0].error.empty());
  EXPECT_EQ(read_all(line + ",\n")[0].error, "more than 512 fields");
}

TEST(MembersCsvReader, LongFieldIsAnErrorAndReadingResumes) {
  const CsvLimits limits{.max_field_bytes = 8};
  const auto records = read_all("a,b\n12345678,x\n123456789,y\n3,z\n", limits);
  ASSERT_EQ(records.size(), 4u);
  EXPECT_TRUE(records[1].error.empty());
  EXPECT_EQ(records[2].error, "field longer than 8 bytes");
  EXPECT_EQ(records[2].line, 3u);
  EXPECT_EQ(records[3].fields, (Fields{"3", "z"}));
}

TEST(MembersCsvReader, RunawayQuoteIsBoundedByFieldLimit) {
  const CsvLimits limits{.max_field_bytes = 16};
  const auto records = read_all("a,b\n1,\"oops\n2,x\n3,y\n4,z\n5,w\n", limits);
  // "oops\n2,x\n3,y\n4,z" is 16 bytes: the line end after it is one too many.
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[1].line, 2u);
  EXPECT_EQ(records[1].error,
            "field longer than 16 bytes (quoted field starting at line 2, unterminated quote?)");
  EXPECT_EQ(records[1].end_line, 5u);  // lines 2 to 5 are lost, and the report says so
  EXPECT_EQ(records[2].line, 6u);
  EXPECT_EQ(records[2].fields, (Fields{"5", "w"}));
}

TEST(MembersCsvReader, RunawayQuoteInLargeInputKeepsMemoryBounded) {
  std::string input = "a,b\n1,\"";
  while (input.size() < (4u << 20)) input += "row without closing quote,abc\n";
  const auto records = read_all(input);
  ASSERT_GE(records.size(), 2u);
  EXPECT_NE(records[1].error.find("unterminated quote?"), std::string::npos);
  for (const auto& record : records) {
    for (const auto& field : record.fields) EXPECT_LE(field.size(), 65536u);
  }
}

TEST(MembersCsvReader, InvalidUtf8IsLeftForTheImporter) {
  const auto records = read_all("a,b\nC\xF4t\xE9,ok\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_TRUE(records[1].error.empty());
  EXPECT_FALSE(is_valid_utf8(records[1].fields[0]));
  EXPECT_TRUE(is_valid_utf8(records[1].fields[1]));
}

const std::string kTricky =
    "Numéro de membre;Prénom;Nom;\"Titre d'emploi\"\r\n"
    "\r\n"
    "1;\"Jean;Luc\";Tremblay;\"dit \"\"TJ\"\"\r\nsur deux lignes\"\r\n"
    "2;Hélène;Côté;\"\"\r"
    "3;x\"y;z;\n"
    "4;\"bad\"x;skip\"me\n"
    "5;a;b;c;\"\"\"\"\n"
    "6;\"open\n";

std::vector<CsvRecord> read_split(std::string_view input, const std::vector<size_t>& cuts) {
  CsvReader reader;
  std::vector<CsvRecord> records;
  size_t from = 0;
  for (const size_t cut : cuts) {
    reader.feed(input.substr(from, cut - from));
    for (auto r = reader.next(); r; r = reader.next()) records.push_back(std::move(*r));
    from = cut;
  }
  reader.feed(input.substr(from));
  reader.finish();
  for (auto r = reader.next(); r; r = reader.next()) records.push_back(std::move(*r));
  return records;
}

TEST(MembersCsvReader, SplittingAnywhereGivesTheSameRecords) {
  const auto whole = read_all(kTricky);
  ASSERT_EQ(whole.size(), 7u);
  EXPECT_EQ(whole[6].error, "unterminated quoted field starting at line 9");
  for (size_t a = 0; a <= kTricky.size(); ++a) {
    EXPECT_EQ(read_split(kTricky, {a}), whole) << "split at " << a;
    for (size_t b = a; b <= kTricky.size(); b += 7) {
      EXPECT_EQ(read_split(kTricky, {a, b}), whole) << "split at " << a << ", " << b;
    }
  }
  std::vector<size_t> every_byte;
  for (size_t i = 1; i < kTricky.size(); ++i) every_byte.push_back(i);
  EXPECT_EQ(read_split(kTricky, every_byte), whole);
}

TEST(MembersCsvReader, ReadsLineNumbersOfTrickyFile) {
  const auto r = read_all(kTricky);
  ASSERT_EQ(r.size(), 7u);
  const std::vector<size_t> lines = {1, 3, 5, 6, 7, 8, 9};
  for (size_t i = 0; i < r.size(); ++i) EXPECT_EQ(r[i].line, lines[i]) << i;
  EXPECT_EQ(r[1].fields, (Fields{"1", "Jean;Luc", "Tremblay", "dit \"TJ\"\r\nsur deux lignes"}));
  EXPECT_EQ(r[2].fields, (Fields{"2", "Hélène", "Côté", ""}));
  EXPECT_EQ(r[3].fields, (Fields{"3", "x\"y", "z", ""}));
  EXPECT_EQ(r[4].error, "unexpected character after closing quote");
  EXPECT_EQ(r[5].fields, (Fields{"5", "a", "b", "c", "\""}));
}

TEST(MembersCsvReader, ConverterThenReaderOnWindows1252Semicolons) {
  Utf8Converter converter;
  CsvReader reader;
  reader.feed(converter.convert("R\xE9gion;Pr\xE9nom\r\nMont\xE9r\xE9gie;Fran\xE7oise\r\n"));
  reader.feed(converter.finish());
  reader.finish();
  const auto records = drain(reader);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1].fields, (Fields{"Montérégie", "Françoise"}));
}

// 600,000 rows of 12 fields, 115 bytes each (69 MB), fed in 64 KiB chunks as the importer will.
TEST(MembersCsvReader, ReadsLargeRosterQuickly) {
  const std::string row =
      "1234567,Hélène,Côté,+18195551234,helene.cote@example.org,fr,Estrie,"
      "\"Santé, sociaux\",1234,Infirmière,\"bus,x\",\n";
  std::string input = "member id,first,last,mobile,email,lang,region,sector,local,title,tags,x\n";
  input.reserve(600001 * row.size());
  for (int i = 0; i < 600000; ++i) input += row;
  CsvReader reader;
  size_t records = 0, fields = 0;
  const auto start = std::chrono::steady_clock::now();
  for (size_t pos = 0; pos < input.size(); pos += 65536) {
    reader.feed(std::string_view(input).substr(pos, 65536));
    while (auto record = reader.next()) ++records, fields += record->fields.size();
  }
  reader.finish();
  while (auto record = reader.next()) ++records, fields += record->fields.size();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(records, 600001u);
  EXPECT_EQ(fields, 600001u * 12);
  std::printf("[ perf     ] %.1f MB, %zu records in %.3f s (%.0f MB/s)\n", input.size() / 1e6,
              records, seconds, input.size() / 1e6 / seconds);
#ifdef NDEBUG
  EXPECT_LT(seconds, 2.0);
#endif
}

}  // namespace
}  // namespace tocsin::members
