#pragma once
// The SMS that tell a driver and their riders of a confirmed match (each other's first name
// and mobile), and that it is off once undone, in the member's language ("en", else
// French). Sent only after a coordinator confirmed the match. Pure.

#include <string>
#include <string_view>
#include <vector>

namespace tocsin::rides {

struct Contact {
  std::string first_name;
  std::string mobile;  // E.164
  int seats = 1;       // a rider's seats in the car
};

// To the driver: who they take, with their mobiles.
std::string driver_confirmed(std::string_view language, std::string_view code,
                             const std::vector<Contact>& riders);
// To a rider: who drives them, with the driver's mobile.
std::string rider_confirmed(std::string_view language, std::string_view code,
                            const Contact& driver);
// To each, once undone: the match is off (first names only: the mobiles were already given).
std::string ride_undone(std::string_view language, std::string_view code,
                        const std::vector<std::string>& others);

}  // namespace tocsin::rides
