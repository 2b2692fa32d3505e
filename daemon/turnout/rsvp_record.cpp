#include "turnout/rsvp_record.h"

#include <charconv>

#include "members/turnout_field.h"
#include "turnout/reach_count.h"
#include "util/split.h"

namespace tocsin::replies {
namespace {

constexpr char kSeparator = '\x1f';
constexpr size_t kFields = 11;
constexpr size_t kFieldsBeforeTitles = 10;

template <class Int>
bool parse_int(std::string_view text, Int* out) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return error == std::errc{} && end == text.data() + text.size();
}

}  // namespace

std::string encode(const RsvpRecord& record) {
  const std::string fields[kFields] = {record.answer,
                                       std::to_string(record.bus_seats),
                                       std::to_string(record.car_seats),
                                       std::to_string(record.party),
                                       record.pickup,
                                       record.region,
                                       record.sector,
                                       record.local,
                                       record.title,
                                       std::to_string(record.at_ms),
                                       record.source};
  std::string text = fields[0];
  for (size_t i = 1; i < kFields; ++i) {
    text.push_back(kSeparator);
    text += fields[i];
  }
  return text;
}

std::optional<RsvpRecord> decode(std::string_view text) {
  auto fields = split(text, kSeparator);
  if (fields.size() == kFieldsBeforeTitles) fields.insert(fields.begin() + 8, std::string_view());
  if (fields.size() != kFields) return std::nullopt;
  RsvpRecord record;
  record.answer = fields[0];
  if (record.answer != "yes" && record.answer != "no" && record.answer != "maybe") {
    return std::nullopt;
  }
  if (!parse_int(fields[1], &record.bus_seats) || !parse_int(fields[2], &record.car_seats) ||
      !parse_int(fields[3], &record.party) || !parse_int(fields[9], &record.at_ms)) {
    return std::nullopt;
  }
  record.pickup = fields[4];
  record.region = fields[5];
  record.sector = fields[6];
  record.local = fields[7];
  record.title = fields[8];
  record.source = fields[10];
  return record;
}

void add_to_tally(const RsvpRecord& record, int sign, std::map<std::string, int64_t>& tally) {
  const bool yes = record.answer == "yes";
  const int coming = record.party > 0 ? record.party : 1;
  const turnout::Place place{record.region, record.sector, record.local, record.title};
  for (const std::string& prefix : turnout::field_prefixes(place)) {
    tally[prefix + record.answer] += sign;
    if (yes) {
      tally[prefix + "coming"] += sign * coming;
      if (record.bus_seats != 0) tally[prefix + "bus"] += sign * record.bus_seats;
      if (record.car_seats != 0) tally[prefix + "car"] += sign * record.car_seats;
    }
  }
  if (!record.pickup.empty()) {
    const std::string prefix =
        turnout::key_part(record.region) + "|pickup:" + turnout::key_part(record.pickup) + "|";
    tally[prefix + record.answer] += sign;
    if (yes) {
      tally[prefix + "coming"] += sign * coming;
      if (record.bus_seats != 0) tally[prefix + "bus"] += sign * record.bus_seats;
    }
  }
}

void add_unknown_to_tally(std::string_view place, int sign, std::map<std::string, int64_t>& tally) {
  for (const std::string& prefix : turnout::decode_place(place)) {
    tally[prefix + "unknown"] += sign;
  }
}

std::map<std::string, int64_t> recount(const std::vector<std::string>& stored, size_t* unreadable,
                                       const std::vector<std::string>& unknown_places) {
  std::map<std::string, int64_t> tally;
  for (const std::string& place : unknown_places) add_unknown_to_tally(place, +1, tally);
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
