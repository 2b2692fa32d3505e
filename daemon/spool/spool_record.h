#pragma once
// The spool's file format, free of I/O. A segment file is a run of records, each framed as
//   payload size (4 bytes, little-endian) | CRC-32 of the payload (4 bytes, little-endian) |
//   payload
// A crash in the middle of a write leaves a torn record at the end of the last segment: its
// size runs past the end, or its CRC does not match, or (a file extended but never written)
// it reads as zeros. scan_records() stops before it. Such a record was never acknowledged:
// a webhook is answered only once its record is on disk (spool.h), so cutting it off loses
// nothing a provider was told we kept.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tocsin::spool {

inline constexpr uint64_t kFrameHeaderBytes = 8;
// A webhook's body is at most 16 KiB; a larger record is damage, not data.
inline constexpr uint64_t kMaxPayloadBytes = 1 << 20;

// The payload framed for a segment file. Its size must be 1 to kMaxPayloadBytes.
std::string frame_record(std::string_view payload);

// One record found in a segment: its payload at [payload_offset, payload_offset + size),
// and where the next record starts.
struct RecordSpan {
  uint64_t payload_offset = 0;
  uint64_t size = 0;
  uint64_t end = 0;
};

struct ScanResult {
  std::vector<RecordSpan> records;
  // Where the last whole record ends: the bytes past it are no record.
  uint64_t valid_end = 0;
  // Why the scan stopped before the end of `data`, in words for the log; empty when every
  // byte belonged to a whole record.
  std::string problem;
};

// The records of `data`, which starts at `base_offset` of its file (the offsets returned
// are the file's). Stops at the first damaged record.
ScanResult scan_records(std::string_view data, uint64_t base_offset = 0);

}  // namespace tocsin::spool
