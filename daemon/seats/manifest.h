#pragma once
// A pickup point's bus manifests on the event day (README.md, "Manifests"): per bus, the
// members holding a seat on it (alert:{id}:seat: "pickup\x1fbus\x1fseats\x1fat_ms\x1fconfirmed",
// bus counted from 1, confirmed "1" or "0"), with first and last name, mobile, party size,
// seats, whether the seat is confirmed and whether they were checked in (alert:{id}:present).
// For the coordinators of the pickup point's region only (and executives, admins); the route
// audits each manifest taken. Building and the CSV are pure; read_manifest() reads Redis.

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "proto/rides.pb.h"
#include "proto/tocsin.pb.h"

namespace tocsin::redis {
class Client;
}

namespace tocsin::seats {

struct SeatHolder {
  std::string member_id;
  std::string pickup;
  int bus = 0;
  int seats = 0;
  int64_t at_ms = 0;
  bool confirmed = false;
};

// One stored seat, or nullopt when it does not read.
std::optional<SeatHolder> parse_seat(std::string_view member_id, std::string_view value);

struct Person {
  std::string first_name;
  std::string last_name;
  std::string mobile;
  int party = 1;
};

// The manifest of `point` with `buses` buses: every bus from 1 (empty ones too, and any bus a
// seat names beyond them), riders sorted by last then first name. `present`: member -> when
// checked in (Unix ms).
ManifestResponse build_manifest(const Alert& alert, const PickupPoint& point, int buses,
                                const std::vector<SeatHolder>& holders,
                                const std::map<std::string, Person>& people,
                                const std::map<std::string, int64_t>& present);

inline constexpr std::string_view kManifestHeader =
    "bus,member_id,last_name,first_name,mobile,pickup_id,pickup_name,party,seats,confirmed,"
    "present\r\n";

// The CSV (RFC 4180, CRLF, header first; a text a spreadsheet would run as a formula gets a
// leading ') of the manifest, of one bus when `bus` is given.
std::string manifest_csv(const ManifestResponse& manifest, std::optional<int> bus = std::nullopt);

// Reads the seats of `pickup`, its buses now (alert:{id}'s fleet field: alerts/fleet_fields.h,
// else PickupPoint.buses), the
// holders' records, RSVPs (party) and check-ins. nullopt when Redis failed.
boost::asio::awaitable<std::optional<ManifestResponse>> read_manifest(redis::Client& redis,
                                                                      const std::string& alert_id,
                                                                      const Alert& alert,
                                                                      const PickupPoint& point);

}  // namespace tocsin::seats
