#include "alerts/rfc3339.h"

#include <cstddef>
#include <cstdint>

namespace tocsin::alerts {
namespace {

// Reads exactly `digits` decimal digits at `pos`, advancing it.
std::optional<int> read_number(std::string_view text, size_t& pos, size_t digits) {
  if (pos + digits > text.size()) return std::nullopt;
  int value = 0;
  for (size_t i = 0; i < digits; ++i) {
    const char c = text[pos + i];
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  pos += digits;
  return value;
}

bool expect(std::string_view text, size_t& pos, char wanted) {
  if (pos >= text.size() || text[pos] != wanted) return false;
  ++pos;
  return true;
}

}  // namespace

std::optional<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view text) {
  using namespace std::chrono;
  size_t pos = 0;
  const auto year = read_number(text, pos, 4);
  if (!year || !expect(text, pos, '-')) return std::nullopt;
  const auto month = read_number(text, pos, 2);
  if (!month || !expect(text, pos, '-')) return std::nullopt;
  const auto day = read_number(text, pos, 2);
  if (!day || !expect(text, pos, 'T')) return std::nullopt;
  const auto hour = read_number(text, pos, 2);
  if (!hour || !expect(text, pos, ':')) return std::nullopt;
  const auto minute = read_number(text, pos, 2);
  if (!minute) return std::nullopt;

  int second = 0;
  nanoseconds fraction{0};
  if (pos < text.size() && text[pos] == ':') {
    ++pos;
    const auto s = read_number(text, pos, 2);
    if (!s) return std::nullopt;
    second = *s;
    if (pos < text.size() && text[pos] == '.') {
      ++pos;
      int64_t nanos = 0;
      size_t digits = 0;
      while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
        if (++digits > 9) return std::nullopt;
        nanos = nanos * 10 + (text[pos] - '0');
        ++pos;
      }
      if (digits == 0) return std::nullopt;
      for (size_t i = digits; i < 9; ++i) nanos *= 10;
      fraction = nanoseconds{nanos};
    }
  }

  minutes offset{0};
  if (pos >= text.size()) return std::nullopt;
  if (text[pos] == 'Z') {
    ++pos;
  } else if (text[pos] == '+' || text[pos] == '-') {
    const int sign = text[pos] == '+' ? 1 : -1;
    ++pos;
    const auto offset_hours = read_number(text, pos, 2);
    if (!offset_hours || !expect(text, pos, ':')) return std::nullopt;
    const auto offset_minutes = read_number(text, pos, 2);
    if (!offset_minutes || *offset_hours > 23 || *offset_minutes > 59) return std::nullopt;
    offset = minutes{sign * (*offset_hours * 60 + *offset_minutes)};
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;

  const year_month_day date{std::chrono::year{*year}, std::chrono::month(*month),
                            std::chrono::day(*day)};
  if (!date.ok() || *hour > 23 || *minute > 59 || second > 59) return std::nullopt;

  // Local wall time minus its offset is UTC.
  const auto utc =
      sys_days{date} + hours{*hour} + minutes{*minute} + seconds{second} + fraction - offset;
  return time_point_cast<system_clock::duration>(utc);
}

}  // namespace tocsin::alerts
