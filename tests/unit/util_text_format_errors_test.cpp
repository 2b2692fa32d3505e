// Every protobuf text-format error the config and alert files can produce, as the person
// fixing the file reads it: position (1-based line:column) and plain words.

#include "util/text_format_errors.h"

#include <gtest/gtest.h>

#include "proto/config.pb.h"
#include "proto/tocsin.pb.h"

namespace tocsin::text_format {
namespace {

// "line:column: message" of the first error, or "ok".
std::string config_error(const std::string& text) {
  config::Config config;
  auto problem = parse(text, &config, "the config");
  if (!problem) return "ok";
  return std::to_string(problem->line) + ":" + std::to_string(problem->column) + ": " +
         problem->message;
}

std::string alert_error(const std::string& text) {
  Alert alert;
  auto problem = parse(text, &alert, "an alert");
  if (!problem) return "ok";
  return std::to_string(problem->line) + ":" + std::to_string(problem->column) + ": " +
         problem->message;
}

TEST(TextFormatErrors, AGoodFileParses) {
  EXPECT_EQ(config_error("http { listen: \"127.0.0.1:8080\" }\n# a comment\n"), "ok");
}

TEST(TextFormatErrors, AFieldOfAnOuterBlockAsksForTheMissingClosingBrace) {
  EXPECT_EQ(
      config_error("http {\n  listen: \"127.0.0.1:8080\"\n\nredis {\n  url: \"redis://h\"\n}\n"),
      "4:1: \"redis\" is not a field of http { … } — is a closing } missing before it?");
}

TEST(TextFormatErrors, AMisspeltFieldGetsTheClosestName) {
  EXPECT_EQ(config_error("# header\nhttp {\n  listn: \"127.0.0.1:80\"\n}\n"),
            "3:3: \"listn\" is not a field of http { … }: did you mean \"listen\"?");
  EXPECT_EQ(config_error("tme_zone: \"UTC\""),
            "1:1: \"tme_zone\" is not a field of the config: did you mean \"time_zone\"?");
}

TEST(TextFormatErrors, AnUnknownFieldWithoutAGuessListsTheBlocksFields) {
  EXPECT_EQ(config_error("auth { lifetime: 3 }"),
            "1:8: \"lifetime\" is not a field of auth { … } (its fields: token_ttl_days, "
            "session_idle_minutes, session_absolute_hours)");
}

TEST(TextFormatErrors, NestedBlocksAreNamedFromTheTop) {
  EXPECT_EQ(config_error("gateways {\n  name: \"t\"\n  twilio { acount_sid: \"AC1\" }\n}\n"),
            "3:12: \"acount_sid\" is not a field of gateways { twilio { … } }: did you mean "
            "\"account_sid\"?");
}

TEST(TextFormatErrors, AMisspeltEnumValueGetsTheClosestValue) {
  EXPECT_EQ(alert_error("title: \"x\"\nkind: BANER_DROP\n"),
            "2:7: unknown kind \"BANER_DROP\": did you mean \"BANNER_DROP\"?");
  // Protobuf points at the next token, here lines below, past a comment.
  EXPECT_EQ(alert_error("kind: BANER_DROP  # the action\n\n# more\ntitle: \"x\"\n"),
            "1:7: unknown kind \"BANER_DROP\": did you mean \"BANNER_DROP\"?");
  EXPECT_EQ(config_error("alerts { quiet_hours { kinds: INFORMATON } }"),
            "1:31: unknown alerts.quiet_hours.kinds \"INFORMATON\": did you mean \"INFORMATION\"?");
}

TEST(TextFormatErrors, AnEnumValueFarFromAnyListsTheValues) {
  EXPECT_EQ(alert_error("kind: PICNIC"),
            "1:7: unknown kind \"PICNIC\": expected one of ALERT_KIND_UNSPECIFIED, "
            "SPECIAL_LAW_THREAT, EMERGENCY_ASSEMBLY, BANNER_DROP, STRIKE_VOTE, INFORMATION");
}

TEST(TextFormatErrors, UnquotedTextSaysToQuoteIt) {
  EXPECT_EQ(config_error("http {\n  listen: 127.0.0.1:8080\n}\n"),
            "2:11: expected text in quotes for http.listen, found 127.0.0.1:8080 (put text in "
            "quotes)");
  EXPECT_EQ(config_error("time_zone: America/Toronto"),
            "1:12: expected text in quotes for time_zone, found America/Toronto (put text in "
            "quotes)");
}

TEST(TextFormatErrors, ANumberFieldNamesWhatItFound) {
  EXPECT_EQ(config_error("http {\n  max_connections: 10.0.0.1\n}\n"),
            "2:20: expected a whole number for http.max_connections, found \"10.0.0.1\"");
  EXPECT_EQ(config_error("http { max_connections: \"ten\" }"),
            "1:25: expected a whole number for http.max_connections, found \"ten\"");
  EXPECT_EQ(config_error("alerts { sms_cents_per_segment: abc }"),
            "1:33: expected a number for alerts.sms_cents_per_segment, found \"abc\"");
  EXPECT_EQ(config_error("http { max_connections: 99999999999999999999 }"),
            "1:25: the number 99999999999999999999 is too large for http.max_connections");
}

TEST(TextFormatErrors, ABooleanTakesTrueOrFalse) {
  EXPECT_EQ(config_error("gateways { smtp { require_tls: yes } }"),
            "1:32: expected true or false for gateways.smtp.require_tls, found \"yes\"");
}

TEST(TextFormatErrors, TheFileEndingInsideABlockNamesIt) {
  EXPECT_EQ(config_error("redis { url: \"redis://h\" }\nhttp {\n  listen: \"x\"\n"),
            "4:1: the file ends inside http { … } opened on line 2: a closing } is missing");
}

TEST(TextFormatErrors, AFieldSetTwiceOrTwoAlternatives) {
  EXPECT_EQ(config_error("time_zone: \"UTC\"\ntime_zone: \"UTC\"\n"),
            "2:1: time_zone is set twice: keep one");
  EXPECT_EQ(config_error("gateways { console {} file {} }"),
            "1:23: gateways.console and gateways.file are alternatives: set only one of them");
}

TEST(TextFormatErrors, AnUnclosedQuoteOrAMissingColon) {
  EXPECT_EQ(config_error("time_zone: \"UTC\nhttp {}\n"),
            "1:12: the text of time_zone is not closed on its line: a closing quote is missing");
  EXPECT_EQ(config_error("time_zone \"UTC\""),
            "1:11: expected \":\" after time_zone, found \"UTC\"");
}

TEST(TextFormatErrors, ColumnsCountATabAsProtobufDoes) {
  // A tab moves to the next multiple of 8, as protobuf's tokenizer counts columns.
  EXPECT_EQ(config_error("http {\n\tlistn: \"x\"\n}\n"),
            "2:9: \"listn\" is not a field of http { … }: did you mean \"listen\"?");
}

TEST(TextFormatErrors, ControlBytesNeverBreakTheLine) {
  const std::string error = config_error(std::string("http { listen: 1\x01\x02 }"));
  EXPECT_EQ(error.find('\n'), std::string::npos) << error;
  EXPECT_EQ(error.find('\x01'), std::string::npos) << error;
}

}  // namespace
}  // namespace tocsin::text_format
