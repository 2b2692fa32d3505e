#include "rides/ride_record.h"

#include <charconv>

#include "util/split.h"

namespace tocsin::rides {
namespace {

constexpr char kSeparator = '\x1f';
constexpr char kRiderSeparator = '\x1e';

template <class Int>
bool parse_int(std::string_view text, Int* out) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return error == std::errc{} && end == text.data() + text.size();
}

}  // namespace

std::string encode(const MatchRecord& record) {
  std::string riders;
  for (const std::string& rider : record.riders) {
    if (!riders.empty()) riders.push_back(kRiderSeparator);
    riders += rider;
  }
  std::string text = record.driver;
  for (const std::string& field : {riders, std::to_string(record.seats), record.region,
                                   std::to_string(record.at_ms), record.by}) {
    text.push_back(kSeparator);
    text += field;
  }
  return text;
}

std::optional<MatchRecord> decode(std::string_view text) {
  const auto fields = split(text, kSeparator);
  if (fields.size() != 6 || fields[0].empty() || fields[1].empty()) return std::nullopt;
  MatchRecord record;
  record.driver = fields[0];
  for (std::string_view rider : split(fields[1], kRiderSeparator)) {
    if (rider.empty()) return std::nullopt;
    record.riders.emplace_back(rider);
  }
  if (!parse_int(fields[2], &record.seats) || !parse_int(fields[4], &record.at_ms)) {
    return std::nullopt;
  }
  record.region = fields[3];
  record.by = fields[5];
  return record;
}

}  // namespace tocsin::rides
