// Alert states as stored in Redis ("draft"...) and as the API shows them (AlertState).

#include "alerts/alert_state.h"

#include <gtest/gtest.h>

namespace tocsin::alerts {
namespace {

TEST(AlertsAlertState, NamesAreTheLowerCaseEnumNames) {
  for (AlertState state : {DRAFT, APPROVED, SENDING, SENT, CLOSED, CANCELLED}) {
    std::string expected = AlertState_Name(state);
    for (char& c : expected) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_EQ(state_name(state), expected);
    EXPECT_EQ(parse_state(state_name(state)), state);
  }
}

TEST(AlertsAlertState, UnknownNamesAreUnspecified) {
  EXPECT_EQ(state_name(ALERT_STATE_UNSPECIFIED), "");
  EXPECT_EQ(parse_state(""), ALERT_STATE_UNSPECIFIED);
  EXPECT_EQ(parse_state("DRAFT"), ALERT_STATE_UNSPECIFIED) << "stored names are lower case";
  EXPECT_EQ(parse_state("drafted"), ALERT_STATE_UNSPECIFIED);
}

}  // namespace
}  // namespace tocsin::alerts
