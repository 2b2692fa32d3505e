// The preview as an officer reads it in a terminal: durations, dollars, and every part of
// the preview in its place, French first.

#include "alerts/preview_text.h"

#include <gtest/gtest.h>

#include <sstream>

namespace tocsin::alerts {
namespace {

TEST(AlertsPreviewText, DurationsReadLikeAPersonWouldSayThem) {
  EXPECT_EQ(format_duration(0), "0 s");
  EXPECT_EQ(format_duration(0.2), "under 1 s");
  EXPECT_EQ(format_duration(1), "1 s");
  EXPECT_EQ(format_duration(44.1), "45 s") << "rounded up: never promise too much";
  EXPECT_EQ(format_duration(60), "1 min");
  EXPECT_EQ(format_duration(200), "3 min 20 s");
  EXPECT_EQ(format_duration(3599.5), "1 h 00 min");
  EXPECT_EQ(format_duration(3600), "1 h 00 min");
  EXPECT_EQ(format_duration(7500), "2 h 05 min");
  EXPECT_EQ(format_duration(7501), "2 h 06 min");
}

TEST(AlertsPreviewText, DollarsToTheCent) {
  EXPECT_EQ(format_dollars(0), "$0.00");
  EXPECT_EQ(format_dollars(79), "$0.79");
  EXPECT_EQ(format_dollars(1234.4), "$12.34");
  EXPECT_EQ(format_dollars(1234.5), "$12.35");
  EXPECT_EQ(format_dollars(355500), "$3555.00");
}

AlertResponse sample() {
  AlertResponse response;
  Alert* alert = response.mutable_alert();
  alert->set_id("0c21uht3w3bnxwkl");
  alert->set_audience("all");
  alert->set_channels(BOTH);
  (*alert->mutable_messages())["fr"].set_sms("x");
  (*alert->mutable_messages())["en"].set_sms("y");
  response.set_audience_members(1000);
  response.set_needs_second_approval(true);
  response.set_approval_threshold(500);
  AlertPreview* preview = response.mutable_preview();
  for (const auto& [channel, language, n] :
       std::vector<std::tuple<std::string, std::string, int64_t>>{
           {"sms", "en", 143}, {"sms", "fr", 846}, {"email", "fr", 779}}) {
    AlertRecipients* row = preview->add_recipients();
    row->set_channel(channel);
    row->set_language(language);
    row->set_recipients(n);
  }
  AlertSmsPreview* en = preview->add_sms();
  en->set_language("en");
  en->set_text("ALERT A3\nsecond line");
  en->set_encoding("gsm7");
  en->set_units(20);
  en->set_segments(1);
  AlertSmsPreview* fr = preview->add_sms();
  fr->set_language("fr");
  fr->set_text("PEUT-ÊTRE");
  fr->set_encoding("ucs2");
  fr->set_units(190);
  fr->set_segments(3);
  fr->add_non_gsm_characters("Ê");
  AlertEmailPreview* subject = preview->add_email();
  subject->set_language("fr");
  subject->set_subject("ALERTE (A3)");
  preview->set_sms_segments(2681);
  preview->set_email_recipients(779);
  preview->set_estimated_cost_cents(2125.78);
  preview->set_estimated_seconds(565);
  return response;
}

TEST(AlertsPreviewText, EveryPartInItsPlaceFrenchFirst) {
  std::ostringstream out;
  write_preview(out, sample());
  const std::string text = out.str();
  EXPECT_NE(text.find("Audience: 1000 members (all), above the approval threshold of 500"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("recipients  fr   en   total\n"
                      "SMS         846  143  989\n"
                      "email       779  0    779\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("SMS, fr: UCS-2, 3 segments (190 UTF-16 units), UCS-2 because of: Ê\n"
                      "    PEUT-ÊTRE\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("SMS, en: GSM-7, 1 segment (20 septets)\n"
                      "    ALERT A3\n"
                      "    second line\n"),
            std::string::npos)
      << text;
  EXPECT_LT(text.find("SMS, fr"), text.find("SMS, en"));
  EXPECT_NE(text.find("email, fr, subject: ALERTE (A3)"), std::string::npos) << text;
  EXPECT_NE(text.find("estimated cost: $21.26 (2681 SMS segments, 779 emails)"), std::string::npos)
      << text;
  EXPECT_NE(text.find("estimated time: 9 min 25 s"), std::string::npos) << text;
  EXPECT_EQ(text.find("waves"), std::string::npos) << text;
}

TEST(AlertsPreviewText, TheWavesApprovedWithTheAlertAreListed) {
  AlertResponse response = sample();
  Wave* reminder = response.mutable_alert()->add_waves();
  reminder->set_delay_minutes(45);
  reminder->set_target_group("no_answer");
  reminder->set_channels(SMS);
  (*reminder->mutable_messages())["fr"].set_sms("Rappel {code}");
  Wave* bus = response.mutable_alert()->add_waves();
  bus->set_at("2027-06-06T05:00:00-04:00");
  bus->set_target_group("yes_with_bus");
  bus->set_channels(EMAIL);
  (*bus->mutable_messages())["fr"].set_email_subject("Ton autobus");
  std::ostringstream out;
  write_preview(out, response);
  EXPECT_NE(out.str().find("waves (approved with this alert; each goes to its group as it is "
                           "then):\n"
                           "  1. 45 min after sending, to no_answer, by sms: \"Rappel {code}\"\n"
                           "  2. at 2027-06-06T05:00:00-04:00, to yes_with_bus, by email: "
                           "\"Ton autobus\"\n"),
            std::string::npos)
      << out.str();
}

TEST(AlertsPreviewText, AFollowUpSaysWhoseGroupItReaches) {
  AlertResponse response = sample();
  response.mutable_alert()->clear_audience();
  response.mutable_alert()->set_code("A7");
  response.mutable_alert()->set_parent_id("0c21uht3w3bnxwkm");
  response.mutable_alert()->set_target_group("yes");
  std::ostringstream out;
  write_preview(out, response);
  EXPECT_NE(out.str().find("Audience: 1000 members (those of alert A7 in group yes now)"),
            std::string::npos)
      << out.str();
}

}  // namespace
}  // namespace tocsin::alerts
