#include "turnout/ride_list.h"

#include <algorithm>
#include <ctime>
#include <tuple>

#include "alerts/alert_keys.h"
#include "members/member_keys.h"
#include "redis/client.h"
#include "redis/decode.h"
#include "redis/hash_slices.h"
#include "turnout/rsvp_record.h"
#include "members/turnout_field.h"

namespace tocsin::turnout {
namespace {

std::string utc_time(int64_t at_ms) {
  const std::time_t seconds = static_cast<std::time_t>(at_ms / 1000);
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return text;
}

}  // namespace

std::vector<Ride> rides_of(const std::vector<std::pair<std::string, std::string>>& stored,
                           std::string_view region_part) {
  std::vector<Ride> rides;
  for (const auto& [member, encoded] : stored) {
    const auto record = replies::decode(encoded);
    if (!record || record->answer != "yes" || key_part(record->region) != region_part) continue;
    const int party = record->party > 0 ? record->party : 1;
    if (record->bus_seats > 0) {
      rides.push_back({"bus", record->pickup, member, record->bus_seats, party, record->at_ms});
    }
    if (record->car_seats > 0) {
      rides.push_back({"car", "", member, record->car_seats, party, record->at_ms});
    }
  }
  std::sort(rides.begin(), rides.end(), [](const Ride& a, const Ride& b) {
    return std::tie(a.kind, a.pickup_id, a.member_id) < std::tie(b.kind, b.pickup_id, b.member_id);
  });
  return rides;
}

std::string csv_field(std::string_view text, bool free_text) {
  std::string value(text);
  if (free_text && !value.empty() &&
      std::string_view("=+-@\t\r").find(value[0]) != std::string_view::npos) {
    value.insert(0, 1, '\'');
  }
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  std::string quoted = "\"";
  for (char c : value) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

std::string rides_csv(const std::vector<Ride>& rides, const std::map<std::string, Rider>& riders,
                      const Alert& alert) {
  std::map<std::string, std::string> pickup_names;
  for (const PickupPoint& point : alert.pickup_points()) pickup_names[point.id()] = point.name();
  std::string csv(kRidesHeader);
  const Rider nobody;
  for (const Ride& ride : rides) {
    const auto found = riders.find(ride.member_id);
    const Rider& rider = found == riders.end() ? nobody : found->second;
    const auto name = pickup_names.find(ride.pickup_id);
    const std::string fields[] = {ride.kind,
                                  csv_field(ride.pickup_id),
                                  csv_field(name == pickup_names.end() ? "" : name->second),
                                  csv_field(ride.member_id),
                                  csv_field(rider.first_name),
                                  csv_field(rider.last_name),
                                  csv_field(rider.phone, false),  // E.164: its '+' is not a formula
                                  std::to_string(ride.seats),
                                  std::to_string(ride.party),
                                  utc_time(ride.at_ms)};
    for (size_t i = 0; i < std::size(fields); ++i) {
      if (i > 0) csv += ',';
      csv += fields[i];
    }
    csv += "\r\n";
  }
  return csv;
}

boost::asio::awaitable<std::optional<RideList>> read_rides(redis::Client& redis,
                                                           const std::string& alert_id,
                                                           std::string_view region_part) {
  auto stored = co_await redis::scan_hash(redis, alerts::keys::rsvp(alert_id));
  if (!stored) co_return std::nullopt;

  RideList list;
  list.rides = rides_of(*stored, region_part);
  std::vector<std::string> members;
  for (const Ride& ride : list.rides) {
    if (members.empty() || members.back() != ride.member_id) members.push_back(ride.member_id);
  }
  std::sort(members.begin(), members.end());
  members.erase(std::unique(members.begin(), members.end()), members.end());
  for (size_t first = 0; first < members.size(); first += 1000) {
    const size_t last = std::min(members.size(), first + 1000);
    redis::Command get{"MGET"};
    for (size_t i = first; i < last; ++i) get.push_back(members::keys::member(members[i]));
    // Each member's record, nil for one removed since.
    auto records =
        redis::decode<std::vector<std::optional<std::string>>>(co_await redis.exec(std::move(get)));
    if (!records || records->size() != last - first) co_return std::nullopt;
    for (size_t i = first; i < last; ++i) {
      Member member;
      if (!member.ParseFromString((*records)[i - first].value_or(""))) continue;
      list.riders[members[i]] = {member.first_name(), member.last_name(), member.mobile()};
    }
  }
  co_return list;
}

}  // namespace tocsin::turnout
