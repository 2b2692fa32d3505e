#include "replies/rsvp_record.h"

#include <charconv>

namespace tocsin::replies {
namespace {

constexpr char kSeparator = '\x1f';
constexpr size_t kFields = 10;

std::vector<std::string_view> split(std::string_view text) {
  std::vector<std::string_view> fields;
  size_t start = 0;
  for (;;) {
    const size_t end = text.find(kSeparator, start);
    fields.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return fields;
    start = end + 1;
  }
}

template <class Int>
bool parse_int(std::string_view text, Int* out) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return error == std::errc{} && end == text.data() + text.size();
}

}  // namespace

std::string encode(const RsvpRecord& record) {
  const std::string fields[kFields] = {
      record.answer,      std::to_string(record.bus_seats), std::to_string(record.car_seats),
      std::to_string(record.party), record.pickup,          record.region,
      record.sector,      record.local,                     std::to_string(record.at_ms),
      record.source};
  std::string text = fields[0];
  for (size_t i = 1; i < kFields; ++i) {
    text.push_back(kSeparator);
    text += fields[i];
  }
  return text;
}

std::optional<RsvpRecord> decode(std::string_view text) {
  const auto fields = split(text);
  if (fields.size() != kFields) return std::nullopt;
  RsvpRecord record;
  record.answer = fields[0];
  if (record.answer != "yes" && record.answer != "no" && record.answer != "maybe") {
    return std::nullopt;
  }
  if (!parse_int(fields[1], &record.bus_seats) || !parse_int(fields[2], &record.car_seats) ||
      !parse_int(fields[3], &record.party) || !parse_int(fields[8], &record.at_ms)) {
    return std::nullopt;
  }
  record.pickup = fields[4];
  record.region = fields[5];
  record.sector = fields[6];
  record.local = fields[7];
  record.source = fields[9];
  return record;
}

void add_to_tally(const RsvpRecord& record, int sign, std::map<std::string, int64_t>& tally) {
  std::vector<std::string> dimensions = {"all", "region:" + record.region,
                                         "sector:" + record.sector, "local:" + record.local};
  if (!record.pickup.empty()) dimensions.push_back("pickup:" + record.pickup);
  for (const std::string& dimension : dimensions) {
    tally[dimension + "|" + record.answer] += sign;
    if (record.answer == "yes") {
      tally[dimension + "|coming"] += sign * (record.party > 0 ? record.party : 1);
      if (record.bus_seats != 0) tally[dimension + "|bus"] += sign * record.bus_seats;
      if (record.car_seats != 0) tally[dimension + "|car"] += sign * record.car_seats;
    }
  }
}

std::map<std::string, int64_t> recount(const std::vector<std::string>& stored, size_t* unreadable) {
  std::map<std::string, int64_t> tally;
  for (const std::string& text : stored) {
    if (auto record = decode(text)) {
      add_to_tally(*record, +1, tally);
    } else if (unreadable != nullptr) {
      ++*unreadable;
    }
  }
  std::erase_if(tally, [](const auto& entry) { return entry.second == 0; });
  return tally;
}

}  // namespace tocsin::replies
