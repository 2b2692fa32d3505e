#include "seats/seat_status.h"

#include <charconv>
#include <vector>

#include "util/split.h"

namespace tocsin::seats {
namespace {

int to_int(std::string_view text) {
  int value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

}  // namespace

RecordStatus parse_record_status(std::string_view text) {
  const std::vector<std::string_view> fields = split(text, '\x1f');
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
