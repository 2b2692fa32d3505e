#include "seats/seat_record.h"

#include <charconv>

#include "members/turnout_field.h"
#include "util/split.h"

namespace tocsin::seats {
namespace {

template <class Int>
bool parse_int(std::string_view text, Int* out) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return error == std::errc{} && end == text.data() + text.size();
}

// Adds `amount` of `measure` at each prefix of a place and at the pickup point's field in
// the place's region.
void count(std::string_view place, std::string_view pickup, std::string_view measure,
           int64_t amount, std::map<std::string, int64_t>& day) {
  std::string region(turnout::kNoRegion);
  if (!place.empty()) {
    for (std::string_view prefix : split(place, '\x1f')) {
      if (!prefix.empty()) day[std::string(prefix) + std::string(measure)] += amount;
    }
    region = std::string(place.substr(0, place.find('|')));
  }
  day[region + "|pickup:" + turnout::key_part(pickup) + "|" + std::string(measure)] += amount;
}

}  // namespace

std::optional<Seat> decode_seat(std::string_view text) {
  const auto f = split(text, '\x1f');
  Seat seat;
  if (f.size() != 5 || f[0].empty() || !parse_int(f[1], &seat.bus) ||
      !parse_int(f[2], &seat.seats) || !parse_int(f[3], &seat.at_ms) ||
      (f[4] != "0" && f[4] != "1")) {
    return std::nullopt;
  }
  seat.pickup = f[0];
  seat.confirmed = f[4] == "1";
  return seat;
}

std::optional<WaitingPlace> decode_waiting(std::string_view text) {
  const auto f = split(text, '\x1f');
  WaitingPlace place;
  if (f.size() != 4 || f[0].empty() || !parse_int(f[1], &place.seats) ||
      !parse_int(f[2], &place.at_ms) || !parse_int(f[3], &place.sequence)) {
    return std::nullopt;
  }
  place.pickup = f[0];
  return place;
}

SeatCounts recount(const std::vector<std::pair<std::string, std::string>>& seats,
                   const std::vector<std::pair<std::string, std::string>>& waiting,
                   const std::map<std::string, std::string>& places, size_t* unreadable) {
  SeatCounts counts;
  const auto place_of = [&places](const std::string& member) -> std::string_view {
    const auto it = places.find(member);
    return it == places.end() ? std::string_view() : std::string_view(it->second);
  };
  for (const auto& [member, stored] : seats) {
    const auto seat = decode_seat(stored);
    if (!seat) {
      if (unreadable) ++*unreadable;
      continue;
    }
    count(place_of(member), seat->pickup, "seated", seat->seats, counts.day);
    counts.load[seat->pickup + '\x1f' + std::to_string(seat->bus)] += seat->seats;
  }
  for (const auto& [member, stored] : waiting) {
    const auto place = decode_waiting(stored);
    if (!place) {
      if (unreadable) ++*unreadable;
      continue;
    }
    count(place_of(member), place->pickup, "waitlisted", place->seats, counts.day);
  }
  std::erase_if(counts.day, [](const auto& field) { return field.second == 0; });
  std::erase_if(counts.load, [](const auto& field) { return field.second == 0; });
  return counts;
}

}  // namespace tocsin::seats
