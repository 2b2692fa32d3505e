// Validation of alerts.quiet_hours (config/check_quiet_hours.cpp): each problem names the
// window's field and says what is expected.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/config.h"

namespace tocsin::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// The lines validate() prints for a minimal config plus these `alerts { }` fields.
std::vector<std::string> problems_with(const std::string& alerts_fields) {
  Config config = parse_text(R"(redis { url: "redis://127.0.0.1:6379" } alerts { )" +
                                 alerts_fields + " }",
                             "tocsin.conf");
  apply_defaults(config);
  std::vector<std::string> lines;
  for (const ConfigError& problem : validate(config)) lines.push_back(problem.what());
  return lines;
}

std::string window(const std::string& fields) { return "quiet_hours { " + fields + " }"; }

TEST(ConfigQuietHours, ValidWindowsPass) {
  EXPECT_THAT(problems_with(window(R"(kinds: INFORMATION channels: SMS start: "21:00" end: "08:00")") +
                            window(R"(kinds: [STRIKE_VOTE, BANNER_DROP] channels: BOTH )"
                                   R"(start: "0:30" end: "6:00")")),
              IsEmpty());
}

TEST(ConfigQuietHours, ParsedIntoTheConfig) {
  Config config = parse_text(
      R"(alerts { quiet_hours { kinds: INFORMATION channels: EMAIL start: "21:00" end: "8:00" } })",
      "tocsin.conf");
  ASSERT_EQ(config.alerts().quiet_hours_size(), 1);
  const QuietHours& parsed = config.alerts().quiet_hours(0);
  EXPECT_EQ(parsed.kinds(0), tocsin::INFORMATION);
  EXPECT_EQ(parsed.channels(), tocsin::EMAIL);
  EXPECT_EQ(parsed.start(), "21:00");
  EXPECT_EQ(parsed.end(), "8:00");
}

TEST(ConfigQuietHours, UnparsableStartNamesTheField) {
  for (const char* start : {"25:00", "21h00", "9 pm", "21:60", ":30", "121:00"}) {
    EXPECT_THAT(problems_with(window(std::string(R"(kinds: INFORMATION channels: SMS start: ")") +
                                     start + R"(" end: "08:00")")),
                ElementsAre(HasSubstr("alerts.quiet_hours[0].start: expected H:MM or HH:MM")))
        << start;
  }
}

TEST(ConfigQuietHours, MissingClocksAreRequired) {
  EXPECT_THAT(problems_with(window("kinds: INFORMATION channels: SMS")),
              ElementsAre(HasSubstr("alerts.quiet_hours[0].start: required"),
                          HasSubstr("alerts.quiet_hours[0].end: required")));
}

TEST(ConfigQuietHours, StartEqualToEndIsAnEmptyWindow) {
  EXPECT_THAT(
      problems_with(window(R"(kinds: INFORMATION channels: SMS start: "21:00" end: "21:00")")),
      ElementsAre(HasSubstr("alerts.quiet_hours[0].end: must differ from start")));
  // Equal minutes written differently.
  EXPECT_THAT(
      problems_with(window(R"(kinds: INFORMATION channels: SMS start: "8:00" end: "08:00")")),
      ElementsAre(HasSubstr("alerts.quiet_hours[0].end: must differ from start")));
}

TEST(ConfigQuietHours, KindsAreRequired) {
  EXPECT_THAT(problems_with(window(R"(channels: SMS start: "21:00" end: "08:00")")),
              ElementsAre(HasSubstr("alerts.quiet_hours[0].kinds: at least one alert kind")));
  EXPECT_THAT(problems_with(window(R"(kinds: ALERT_KIND_UNSPECIFIED channels: SMS )"
                                   R"(start: "21:00" end: "08:00")")),
              ElementsAre(HasSubstr("alerts.quiet_hours[0].kinds: ALERT_KIND_UNSPECIFIED")));
}

TEST(ConfigQuietHours, ChannelsAreRequired) {
  EXPECT_THAT(problems_with(window(R"(kinds: INFORMATION start: "21:00" end: "08:00")")),
              ElementsAre(HasSubstr("alerts.quiet_hours[0].channels: required: SMS, EMAIL or BOTH")));
}

TEST(ConfigQuietHours, UnknownChannelOrKindIsAParseError) {
  for (const char* fields : {R"(kinds: INFORMATION channels: FAX start: "21:00" end: "08:00")",
                             R"(kinds: GOSSIP channels: SMS start: "21:00" end: "08:00")"}) {
    try {
      parse_text("alerts { " + window(fields) + " }", "tocsin.conf");
      ADD_FAILURE() << "parsed: " << fields;
    } catch (const ConfigError& error) {
      EXPECT_THAT(error.what(), HasSubstr("tocsin.conf:1:")) << fields;
    }
  }
}

TEST(ConfigQuietHours, TheSecondWindowIsNamedByItsIndex) {
  EXPECT_THAT(problems_with(window(R"(kinds: INFORMATION channels: SMS start: "21:00" end: "08:00")") +
                            window(R"(kinds: INFORMATION channels: EMAIL start: "21:00" end: "8h")")),
              ElementsAre(HasSubstr("alerts.quiet_hours[1].end: ")));
}

}  // namespace
}  // namespace tocsin::config
