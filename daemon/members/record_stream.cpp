#include "members/record_stream.h"

namespace tocsin::members {
namespace {

// The converter decides the encoding on its first chunk with non-ASCII text: 64 KiB is
// plenty to tell, and small enough to keep memory flat.
constexpr size_t chunk_bytes = 64 * 1024;

}  // namespace

std::optional<CsvRecord> RecordStream::next() {
  for (;;) {
    if (auto record = reader_.next()) return record;
    if (finished_) return std::nullopt;
    if (offset_ >= csv_.size()) {
      // A UTF-8 sequence cut by the end of the file comes back as is, to be reported.
      reader_.feed(converter_.finish());
      reader_.finish();
      finished_ = true;
      continue;
    }
    const auto chunk = csv_.substr(offset_, chunk_bytes);
    offset_ += chunk.size();
    reader_.feed(converter_.convert(chunk));
  }
}

}  // namespace tocsin::members
