#pragma once
// The ride list of one region (issue 7, contract section 4): who needs a seat on the bus,
// from which pickup point, and who offers seats in their car, with name and phone, as CSV
// for the region's coordinator. The only turnout view with names; the route audits each
// download. Built from the stored RSVPs (alert:{id}:rsvp) and member records (member:{id}).

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "proto/tocsin.pb.h"

namespace tocsin::redis {
class Client;
}

namespace tocsin::turnout {

// One row: a yes of a member of the region with bus seats needed ("bus") or car seats
// offered ("car"); a member with both has two rows.
struct Ride {
  std::string kind;  // "bus" | "car"
  std::string pickup_id;
  std::string member_id;
  int seats = 0;
  int party = 0;  // people coming, the member included (0 in the RSVP counts as 1)
  int64_t at_ms = 0;
};

// The rides of the members of `region_part` (turnout_scope.h's region_part()) among stored
// RSVPs (member id -> encoded RsvpRecord), bus rows first, then by pickup point and member.
// Pure.
std::vector<Ride> rides_of(const std::vector<std::pair<std::string, std::string>>& stored,
                           std::string_view region_part);

struct Rider {
  std::string first_name;
  std::string last_name;
  std::string phone;
};

inline constexpr std::string_view kRidesHeader =
    "kind,pickup_id,pickup_name,member_id,first_name,last_name,phone,seats,party,answered_at\r\n";

// The CSV (RFC 4180, CRLF, header row first) of the rides, names and phones from `riders`
// (by member id; empty when the member left the roster), pickup names from the alert,
// answered_at in UTC RFC 3339. Pure.
std::string rides_csv(const std::vector<Ride>& rides, const std::map<std::string, Rider>& riders,
                      const Alert& alert);

// One CSV field: quoted when it holds a comma, quote or line break; a text a spreadsheet
// would run as a formula (starting with = + - @, tab or CR) gets a leading ' first.
std::string csv_field(std::string_view text, bool free_text = true);

// Reads the RSVPs (HSCAN, in slices) and the records of the members with a ride; nullopt
// when Redis failed.
struct RideList {
  std::vector<Ride> rides;
  std::map<std::string, Rider> riders;
};
boost::asio::awaitable<std::optional<RideList>> read_rides(redis::Client& redis,
                                                           const std::string& alert_id,
                                                           std::string_view region_part);

}  // namespace tocsin::turnout
