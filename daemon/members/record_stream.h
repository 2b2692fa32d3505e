#pragma once
// A CSV text read a chunk at a time: converted to UTF-8 (from Windows-1252 when that is
// what it is), then split into records. Only a chunk and the records in flight are held.

#include <optional>
#include <string_view>

#include "members/csv_reader.h"
#include "members/encoding.h"

namespace tocsin::members {

class RecordStream {
 public:
  explicit RecordStream(std::string_view csv) : csv_(csv) {}

  std::optional<CsvRecord> next();

  SourceEncoding encoding() const { return converter_.encoding(); }
  char delimiter() const { return reader_.delimiter(); }

 private:
  std::string_view csv_;
  size_t offset_ = 0;
  bool finished_ = false;
  Utf8Converter converter_;
  CsvReader reader_;
};

}  // namespace tocsin::members
