#include "spool/spool_record.h"

#include <boost/crc.hpp>

#include <stdexcept>

namespace tocsin::spool {
namespace {

uint32_t crc32(std::string_view data) {
  boost::crc_32_type crc;
  crc.process_bytes(data.data(), data.size());
  return crc.checksum();
}

void put_u32(std::string& out, uint32_t value) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

uint32_t get_u32(std::string_view data, size_t at) {
  uint32_t value = 0;
  for (int i = 0; i < 4; ++i) {
    value |= static_cast<uint32_t>(static_cast<unsigned char>(data[at + i])) << (8 * i);
  }
  return value;
}

}  // namespace

std::string frame_record(std::string_view payload) {
  if (payload.empty() || payload.size() > kMaxPayloadBytes) {
    throw std::invalid_argument("a spool record holds 1 byte to 1 MiB");
  }
  std::string frame;
  frame.reserve(kFrameHeaderBytes + payload.size());
  put_u32(frame, static_cast<uint32_t>(payload.size()));
  put_u32(frame, crc32(payload));
  frame.append(payload);
  return frame;
}

ScanResult scan_records(std::string_view data, uint64_t base_offset) {
  ScanResult result;
  size_t at = 0;
  while (at < data.size()) {
    const std::string offset = "record at byte " + std::to_string(base_offset + at) + ": ";
    if (data.size() - at < kFrameHeaderBytes) {
      result.problem = offset + "cut short in its header";
      break;
    }
    const uint64_t size = get_u32(data, at);
    if (size == 0) {
      result.problem = offset + "size 0 (zeros: space never written)";
      break;
    }
    if (size > kMaxPayloadBytes) {
      result.problem = offset + "size " + std::to_string(size) + " over the 1 MiB limit";
      break;
    }
    if (data.size() - at - kFrameHeaderBytes < size) {
      result.problem = offset + "cut short (" + std::to_string(size) + " bytes announced, " +
                       std::to_string(data.size() - at - kFrameHeaderBytes) + " there)";
      break;
    }
    const std::string_view payload = data.substr(at + kFrameHeaderBytes, size);
    if (crc32(payload) != get_u32(data, at + 4)) {
      result.problem = offset + "its checksum does not match";
      break;
    }
    const uint64_t end = at + kFrameHeaderBytes + size;
    result.records.push_back({base_offset + at + kFrameHeaderBytes, size, base_offset + end});
    at = end;
  }
  result.valid_end = base_offset + at;
  return result;
}

}  // namespace tocsin::spool
