// Fuzzes the spool's record scanner (spool/spool_record.h): at start it reads whatever a
// crash or a failing disk left in the segment files.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "spool/spool_record.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto scan = tocsin::spool::scan_records(input, 7);
  // Records lie inside the input, one after another, ending where the scan says it stopped.
  uint64_t at = 7;
  for (const auto& record : scan.records) {
    if (record.payload_offset != at + tocsin::spool::kFrameHeaderBytes) __builtin_trap();
    if (record.end != record.payload_offset + record.size || record.size == 0) __builtin_trap();
    at = record.end;
  }
  if (scan.valid_end != at || scan.valid_end > 7 + size) __builtin_trap();
  if (scan.problem.empty() != (scan.valid_end == 7 + size)) __builtin_trap();
  // What the scan kept reads back the same once framed again.
  if (!scan.records.empty()) {
    const auto& first = scan.records.front();
    const std::string framed =
        tocsin::spool::frame_record(input.substr(first.payload_offset - 7, first.size));
    if (input.substr(0, framed.size()) != framed) __builtin_trap();
  }
  return 0;
}
