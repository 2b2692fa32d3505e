#include "seats/seat_status.h"

#include <charconv>
#include <vector>

namespace tocsin::seats {
namespace {

int to_int(std::string_view text) {
  int value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

}  // namespace

RecordStatus parse_record_status(std::string_view text) {
  std::vector<std::string_view> fields;
  size_t start = 0;
  for (;;) {
    const size_t end = text.find('\x1f', start);
    fields.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  RecordStatus result;
  result.status = fields[0];
  if (fields.size() == 6 && (fields[1] == "seated" || fields[1] == "waitlisted")) {
    result.seat.state = fields[1];
    result.seat.pickup = fields[2];
    result.seat.bus = to_int(fields[3]);
    result.seat.seats = to_int(fields[4]);
    result.seat.rank = to_int(fields[5]);
  }
  return result;
}

}  // namespace tocsin::seats
