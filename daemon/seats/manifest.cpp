#include "seats/manifest.h"

#include <algorithm>
#include <charconv>
#include <optional>
#include <tuple>

#include "alerts/alert_keys.h"
#include "alerts/fleet_fields.h"
#include "members/member_keys.h"
#include "redis/client.h"
#include "redis/decode.h"
#include "redis/hash_slices.h"
#include "seats/seat_record.h"
#include "turnout/ride_list.h"
#include "turnout/rsvp_record.h"
#include "util/split.h"

namespace tocsin::seats {
namespace {

template <class Int>
bool parse_int(std::string_view text, Int* out) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return error == std::errc{} && end == text.data() + text.size();
}

}  // namespace

std::optional<SeatHolder> parse_seat(std::string_view member_id, std::string_view value) {
  const auto seat = decode_seat(value);
  if (!seat || seat->pickup.empty() || seat->bus < 1) return std::nullopt;
  return SeatHolder{std::string(member_id), seat->pickup, seat->bus, seat->seats, seat->at_ms,
                    seat->confirmed};
}

ManifestResponse build_manifest(const Alert& alert, const PickupPoint& point, int buses,
                                const std::vector<SeatHolder>& holders,
                                const std::map<std::string, Person>& people,
                                const std::map<std::string, int64_t>& present) {
  ManifestResponse manifest;
  manifest.set_alert_id(alert.id());
  manifest.set_alert_code(alert.code());
  manifest.set_alert_title(alert.title());
  manifest.set_pickup(point.id());
  manifest.set_pickup_name(point.name());
  manifest.set_region(point.region());
  manifest.set_departs_at(point.departs_at());
  int last_bus = buses;
  for (const SeatHolder& holder : holders) {
    if (holder.pickup == point.id()) last_bus = std::max(last_bus, holder.bus);
  }
  std::vector<std::vector<std::tuple<std::string, std::string, ManifestRider>>> by_bus(last_bus);
  const Person nobody;
  for (const SeatHolder& holder : holders) {
    if (holder.pickup != point.id()) continue;
    const auto found = people.find(holder.member_id);
    const Person& person = found == people.end() ? nobody : found->second;
    ManifestRider rider;
    rider.set_member_id(holder.member_id);
    rider.set_first_name(person.first_name);
    rider.set_last_name(person.last_name);
    rider.set_mobile(person.mobile);
    rider.set_party(person.party);
    rider.set_seats(holder.seats);
    rider.set_confirmed(holder.confirmed);
    if (const auto at = present.find(holder.member_id); at != present.end()) {
      rider.set_present(true);
      rider.set_present_at_ms(at->second);
    }
    by_bus[holder.bus - 1].emplace_back(person.last_name, person.first_name, std::move(rider));
  }
  for (int bus = 1; bus <= last_bus; ++bus) {
    ManifestBus* out = manifest.add_buses();
    out->set_bus(bus);
    out->set_seats(point.seats_per_bus());
    auto& riders = by_bus[bus - 1];
    std::sort(riders.begin(), riders.end(), [](const auto& a, const auto& b) {
      return std::tie(std::get<0>(a), std::get<1>(a), std::get<2>(a).member_id()) <
             std::tie(std::get<0>(b), std::get<1>(b), std::get<2>(b).member_id());
    });
    int taken = 0;
    for (auto& [last, first, rider] : riders) {
      taken += rider.seats();
      *out->add_riders() = std::move(rider);
    }
    out->set_seats_taken(taken);
  }
  return manifest;
}

std::string manifest_csv(const ManifestResponse& manifest, std::optional<int> bus) {
  using turnout::csv_field;
  std::string csv(kManifestHeader);
  for (const ManifestBus& one : manifest.buses()) {
    if (bus && one.bus() != *bus) continue;
    for (const ManifestRider& rider : one.riders()) {
      const std::string fields[] = {
          std::to_string(one.bus()),        csv_field(rider.member_id()),
          csv_field(rider.last_name()),     csv_field(rider.first_name()),
          csv_field(rider.mobile(), false),  // E.164's '+' is no formula
          csv_field(manifest.pickup()),     csv_field(manifest.pickup_name()),
          std::to_string(rider.party()),    std::to_string(rider.seats()),
          rider.confirmed() ? "yes" : "no", rider.present() ? "yes" : "no"};
      for (size_t i = 0; i < std::size(fields); ++i) {
        if (i > 0) csv += ',';
        csv += fields[i];
      }
      csv += "\r\n";
    }
  }
  return csv;
}

boost::asio::awaitable<std::optional<ManifestResponse>> read_manifest(redis::Client& redis,
                                                                      const std::string& alert_id,
                                                                      const Alert& alert,
                                                                      const PickupPoint& point) {
  namespace keys = alerts::keys;
  auto stored = co_await redis::scan_hash(redis, keys::seats(alert_id));
  if (!stored) co_return std::nullopt;
  std::vector<SeatHolder> holders;
  for (const auto& [member, value] : *stored) {
    auto holder = parse_seat(member, value);
    if (holder && holder->pickup == point.id()) holders.push_back(std::move(*holder));
  }
  std::vector<redis::Command> reads{
      {"HGET", keys::alert(alert_id), alerts::fleet_field(point.id())}};
  if (!holders.empty()) {
    redis::Command records{"MGET"}, rsvps{"HMGET", keys::rsvp(alert_id)},
        present{"HMGET", keys::present(alert_id)};
    for (const SeatHolder& holder : holders) {
      records.push_back(members::keys::member(holder.member_id));
      rsvps.push_back(holder.member_id);
      present.push_back(holder.member_id);
    }
    reads.push_back(std::move(records));
    reads.push_back(std::move(rsvps));
    reads.push_back(std::move(present));
  }
  auto read = co_await redis.exec_pipeline(std::move(reads));
  if (!read || read->empty()) co_return std::nullopt;
  auto fleet = redis::decode<std::optional<std::string>>(read->front());  // buses now
  if (!fleet) co_return std::nullopt;
  int buses = point.buses();
  if (*fleet) parse_int(std::string_view(**fleet), &buses);
  std::map<std::string, Person> people;
  std::map<std::string, int64_t> checked_in;
  if (!holders.empty()) {
    if (read->size() != 4) co_return std::nullopt;
    // Per holder, each nil when none: their member record, RSVP and check-in.
    std::vector<std::optional<std::string>> columns[3];
    for (size_t r = 1; r < 4; ++r) {
      auto column = redis::decode<std::vector<std::optional<std::string>>>((*read)[r]);
      if (!column || column->size() != holders.size()) co_return std::nullopt;
      columns[r - 1] = std::move(*column);
    }
    const auto& [records, rsvps, present] = columns;
    for (size_t i = 0; i < holders.size(); ++i) {
      Person& person = people[holders[i].member_id];
      Member member;
      if (member.ParseFromString(records[i].value_or(""))) {
        person.first_name = member.first_name();
        person.last_name = member.last_name();
        person.mobile = member.mobile();
      }
      if (const auto rsvp = replies::decode(rsvps[i].value_or("")); rsvp && rsvp->party > 0) {
        person.party = rsvp->party;
      }
      if (present[i]) {
        int64_t at_ms = 0;
        const auto fields = split(*present[i], '\x1f');
        parse_int(fields[0], &at_ms);
        checked_in[holders[i].member_id] = at_ms;
      }
    }
  }
  auto manifest = build_manifest(alert, point, buses, holders, people, checked_in);
  manifest.set_alert_id(alert_id);
  co_return manifest;
}

}  // namespace tocsin::seats
