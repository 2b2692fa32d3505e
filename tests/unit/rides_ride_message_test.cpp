#include "rides/ride_message.h"

#include <gtest/gtest.h>

namespace tocsin::rides {
namespace {

TEST(RidesMessage, DriverGetsEachRidersFirstNameAndMobileInTheirLanguage) {
  const std::vector<Contact> riders = {{"Marie", "+15145550101", 2}, {"Luc", "+15145550102", 1}};
  const std::string fr = driver_confirmed("fr", "A7", riders);
  EXPECT_NE(fr.find("Tocsin A7 : covoiturage confirmé"), std::string::npos) << fr;
  EXPECT_NE(fr.find("Marie +15145550101 (2 places) et Luc +15145550102"), std::string::npos) << fr;
  const std::string en = driver_confirmed("en", "A7", riders);
  EXPECT_NE(en.find("You drive Marie +15145550101 (2 seats) and Luc +15145550102"),
            std::string::npos)
      << en;
}

TEST(RidesMessage, RiderGetsTheDriversFirstNameAndMobile) {
  const std::string fr = rider_confirmed("fr", "A7", {"Jean", "+15145550100", 1});
  EXPECT_NE(fr.find("Jean +15145550100 vous conduit"), std::string::npos) << fr;
  const std::string en = rider_confirmed("en", "A7", {"Jean", "+15145550100", 1});
  EXPECT_NE(en.find("Jean +15145550100 drives you"), std::string::npos) << en;
}

TEST(RidesMessage, UndoneNamesTheOthersWithoutMobiles) {
  const std::string fr = ride_undone("fr", "A7", {"Marie", "Luc"});
  EXPECT_NE(fr.find("annulé le covoiturage avec Marie et Luc"), std::string::npos) << fr;
  EXPECT_EQ(fr.find('+'), std::string::npos);
  EXPECT_NE(ride_undone("en", "A7", {"Jean"}).find("cancelled the ride with Jean"),
            std::string::npos);
}

}  // namespace
}  // namespace tocsin::rides
