// Roster CSV: bytes -> Utf8Converter -> CsvReader, fed whole and split at a position taken
// from the first input byte. Checks that splitting never changes what is read, that line
// numbers only go forward, and that the limits hold.

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "members/csv_reader.h"
#include "members/encoding.h"

namespace {

using tocsin::members::CsvLimits;
using tocsin::members::CsvReader;
using tocsin::members::CsvRecord;
using tocsin::members::Utf8Converter;

// Small limits so the fuzzer reaches them.
constexpr CsvLimits kLimits{.max_field_bytes = 64, .max_fields = 8};

void check(bool condition) {
  if (!condition) std::abort();
}

std::vector<CsvRecord> read(const std::vector<std::string_view>& chunks) {
  CsvReader reader(kLimits);
  std::vector<CsvRecord> records;
  const auto drain = [&] {
    while (auto record = reader.next()) records.push_back(std::move(*record));
  };
  for (const std::string_view chunk : chunks) {
    reader.feed(chunk);
    drain();
  }
  reader.finish();
  drain();
  return records;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  const size_t split = input.empty() ? 0 : data[0] % (input.size() + 1);

  Utf8Converter whole_converter;
  std::string whole = whole_converter.convert(input);
  whole += whole_converter.finish();

  Utf8Converter split_converter;
  std::string parts = split_converter.convert(input.substr(0, split));
  parts += split_converter.convert(input.substr(split));
  parts += split_converter.finish();
  // The first non-ASCII chunk decides the encoding, so a split can change the decision;
  // when it does not, the bytes out must be the same.
  if (whole_converter.encoding() == split_converter.encoding()) check(parts == whole);

  const std::vector<CsvRecord> records = read({whole});
  const size_t cut = split % (whole.size() + 1);
  const std::string_view text(whole);
  check(read({text.substr(0, cut), text.substr(cut)}) == records);

  size_t last_line = 0;
  for (const CsvRecord& record : records) {
    check(record.line >= last_line && record.end_line >= record.line);
    last_line = record.end_line;
    check(record.fields.size() <= kLimits.max_fields);
    for (const std::string& field : record.fields) check(field.size() <= kLimits.max_field_bytes);
    check(record.error.empty() || record.error_field <= record.fields.size());
  }
  return 0;
}
