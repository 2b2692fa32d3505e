#include "seats/manifest.h"

#include <gtest/gtest.h>

namespace tocsin::seats {
namespace {

PickupPoint point() {
  PickupPoint p;
  p.set_id("LON");
  p.set_name("Terminus Longueuil, quai 12");
  p.set_region("Montérégie");
  p.set_buses(2);
  p.set_seats_per_bus(56);
  return p;
}

TEST(SeatsManifest, ReadsTheDocumentedSeatLayout) {
  const auto seat = parse_seat("m1",
                               "LON\x1f"
                               "2\x1f"
                               "3\x1f"
                               "1763831234567\x1f"
                               "1");
  ASSERT_TRUE(seat);
  EXPECT_EQ(seat->pickup, "LON");
  EXPECT_EQ(seat->bus, 2);
  EXPECT_EQ(seat->seats, 3);
  EXPECT_TRUE(seat->confirmed);
  EXPECT_FALSE(parse_seat("m1",
                          "LON\x1f"
                          "0\x1f"
                          "1\x1f"
                          "1\x1f"
                          "0"))
      << "buses count from 1";
  EXPECT_FALSE(parse_seat("m1",
                          "LON\x1f"
                          "1\x1f"
                          "1"));
}

TEST(SeatsManifest, EveryBusWithItsRidersByName) {
  Alert alert;
  alert.set_code("A7");
  const std::vector<SeatHolder> holders = {{"m1", "LON", 1, 1, 1, true},
                                           {"m2", "LON", 1, 2, 2, false},
                                           {"m3", "OTHER", 1, 1, 3, true},  // another point
                                           {"m4", "LON", 3, 1, 4, false}};  // an added bus
  const std::map<std::string, Person> people = {{"m1", {"Zoé", "Tremblay", "+15145550101", 1}},
                                                {"m2", {"Amir", "Bouchard", "+15145550102", 2}},
                                                {"m4", {"Lin", "Roy", "+15145550104", 1}}};
  const auto manifest = build_manifest(alert, point(), 2, holders, people, {{"m2", 99}});
  ASSERT_EQ(manifest.buses_size(), 3);
  EXPECT_EQ(manifest.buses(0).riders_size(), 2);
  EXPECT_EQ(manifest.buses(0).riders(0).last_name(), "Bouchard");
  EXPECT_TRUE(manifest.buses(0).riders(0).present());
  EXPECT_EQ(manifest.buses(0).seats_taken(), 3);
  EXPECT_EQ(manifest.buses(1).riders_size(), 0) << "an empty bus is still listed";
  EXPECT_EQ(manifest.buses(2).riders(0).member_id(), "m4");
}

TEST(SeatsManifest, CsvIsRfc4180AndFormulaSafe) {
  Alert alert;
  const std::vector<SeatHolder> holders = {{"m1", "LON", 1, 1, 1, true},
                                           {"m2", "LON", 2, 1, 1, false}};
  const std::map<std::string, Person> people = {
      {"m1", {"=HYPERLINK(\"x\")", "O'Neil, Jr", "+15145550101", 1}},
      {"m2", {"Ana", "Roy", "+15145550102", 1}}};
  const auto manifest = build_manifest(alert, point(), 2, holders, people, {});
  const std::string csv = manifest_csv(manifest);
  EXPECT_EQ(csv, std::string(kManifestHeader) +
                     "1,m1,\"O'Neil, Jr\",\"'=HYPERLINK(\"\"x\"\")\",+15145550101,LON,"
                     "\"Terminus Longueuil, quai 12\",1,1,yes,no\r\n"
                     "2,m2,Roy,Ana,+15145550102,LON,\"Terminus Longueuil, quai 12\",1,1,no,no\r\n");
  const std::string bus2 = manifest_csv(manifest, 2);
  EXPECT_EQ(bus2.find("m1"), std::string::npos);
  EXPECT_NE(bus2.find("m2"), std::string::npos);
}

}  // namespace
}  // namespace tocsin::seats
