#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include "adapters/console/console_gateway.h"
#include "adapters/json_escape.h"

namespace tocsin::adapters {
namespace {

google::protobuf::Struct parse(const std::string& line) {
  google::protobuf::Struct object;
  auto status = google::protobuf::util::JsonStringToMessage(line, &object);
  EXPECT_TRUE(status.ok()) << status.ToString() << "\n" << line;
  return object;
}

std::string field(const google::protobuf::Struct& object, const std::string& key) {
  auto it = object.fields().find(key);
  return it == object.fields().end() ? "<missing>" : it->second.string_value();
}

OutgoingMessage sms(std::string text) {
  OutgoingMessage message;
  message.alert_id = "A7";
  message.member_id = "m-1042";
  message.channel = "sms";
  message.to = "+15145550123";
  message.language = "fr";
  message.text = std::move(text);
  message.segments = 2;
  message.idempotency_key = "A7:m-1042:sms";
  return message;
}

// By value: the request is usually a temporary.
LocalWrite as_write(GatewayRequest request) {
  return std::get<LocalWrite>(std::move(request));
}

TEST(AdaptersConsole, SmsLineHasEveryFieldAndGoesToStdout) {
  ConsoleGateway gateway("console", "out", "sms", 10, "-");
  GatewayRequest request = gateway.build(sms("Assemblée d'urgence ce soir"));
  ASSERT_TRUE(std::holds_alternative<LocalWrite>(request));
  LocalWrite write = as_write(request);
  EXPECT_EQ(write.path, "-");
  EXPECT_EQ(write.line.find('\n'), std::string::npos);
  EXPECT_EQ(write.line, R"({"channel":"sms","to":"+15145550123","alert":"A7","member":"m-1042",)"
                        R"("language":"fr","segments":2,"text":"Assemblée d'urgence ce soir",)"
                        R"("key":"A7:m-1042:sms","gateway":"out"})");
  auto object = parse(write.line);
  EXPECT_EQ(object.fields().at("segments").number_value(), 2);
  EXPECT_FALSE(object.fields().contains("subject"));
}

TEST(AdaptersConsole, EmailLineHasSubjectAndHtml) {
  ConsoleGateway gateway("file", "mail", "email", 10, "/tmp/outbox.jsonl");
  OutgoingMessage message = sms("Bonjour Zoé,\nl'assemblée a lieu à 19 h.");
  message.channel = "email";
  message.to = "zoe@example.org";
  message.segments = 1;
  message.email_subject = "Assemblée « urgente »";
  message.email_html = "<p class=\"x\">Bonjour Zoé</p>";
  LocalWrite write = as_write(gateway.build(message));
  EXPECT_EQ(write.path, "/tmp/outbox.jsonl");
  auto object = parse(write.line);
  EXPECT_EQ(field(object, "channel"), "email");
  EXPECT_EQ(field(object, "to"), "zoe@example.org");
  EXPECT_EQ(field(object, "subject"), message.email_subject);
  EXPECT_EQ(field(object, "html"), message.email_html);
  EXPECT_EQ(field(object, "text"), message.text);
  EXPECT_EQ(field(object, "gateway"), "mail");
}

TEST(AdaptersConsole, HostileTextRoundTrips) {
  ConsoleGateway gateway("console", "out", "sms", 10, "-");
  const std::string texts[] = {
      "Grève générale : çà et là, où êtes-vous ? ÀÉÈÊËÎÏÔÙÛÜŸÇœæ",
      R"(She said "vote" \ then left /)",
      "line one\nline two\r\nthree\ttabbed",
      std::string("nul\0bell\x07"
                  "esc\x1b"
                  "del\x7f"
                  "bs\b ff\f us\x1f",
                  28),
      "✊ Solidarité 🪧 👩🏽‍🔧 🇨🇦",
      "separators \u2028 and \u2029",
      "",
  };
  for (const std::string& text : texts) {
    LocalWrite write = as_write(gateway.build(sms(text)));
    EXPECT_EQ(write.line.find('\n'), std::string::npos) << write.line;
    EXPECT_EQ(write.line.find('\r'), std::string::npos) << write.line;
    EXPECT_EQ(field(parse(write.line), "text"), text) << write.line;
  }
}

std::string escaped(std::string_view text) {
  std::string out;
  append_json_string(&out, text);
  return out;
}

TEST(AdaptersConsole, EscapesPrecisely) {
  EXPECT_EQ(escaped(""), R"("")");
  EXPECT_EQ(escaped(R"(a"b\c/d)"), R"("a\"b\\c/d")");
  EXPECT_EQ(escaped("\n\r\t\b\f"), R"("\n\r\t\b\f")");
  EXPECT_EQ(escaped(std::string("\0\x01\x1f\x7f", 4)), R"("\u0000\u0001\u001f\u007f")");
  EXPECT_EQ(escaped("é€😀"), "\"é€😀\"");  // 2, 3 and 4 bytes pass through
  EXPECT_EQ(escaped("\u2028\u2029"), R"("\u2028\u2029")");
}

TEST(AdaptersConsole, InvalidUtf8BecomesReplacementCharacters) {
  const std::string fffd = "\xEF\xBF\xBD";
  EXPECT_EQ(escaped("a\xC3"), "\"a" + fffd + "\"");                      // truncated
  EXPECT_EQ(escaped("\xC0\xAF"), "\"" + fffd + fffd + "\"");             // overlong '/'
  EXPECT_EQ(escaped("\xE0\x80\xAF"), "\"" + fffd + fffd + fffd + "\"");  // overlong
  EXPECT_EQ(escaped("\xED\xA0\x80"), "\"" + fffd + fffd + fffd + "\"");  // surrogate
  EXPECT_EQ(escaped("\xF4\x90\x80\x80"), "\"" + fffd + fffd + fffd + fffd + "\"");
  EXPECT_EQ(escaped("\x80x"), "\"" + fffd + "x\"");  // lone continuation byte
  EXPECT_EQ(escaped("\xFF"), "\"" + fffd + "\"");
  // Whatever came in, the line stays valid JSON.
  ConsoleGateway gateway("console", "out", "sms", 10, "-");
  parse(as_write(gateway.build(sms("bad \xC3\x28 byte \xF0\x9F"))).line);
}

TEST(AdaptersConsole, SuccessfulWriteIsAccepted) {
  ConsoleGateway gateway("console", "out", "sms", 10, "-");
  auto result = gateway.classify(sms("x"), GatewayResponse{});
  EXPECT_EQ(result.outcome, dispatch::Outcome::accepted);
  EXPECT_EQ(result.message_id, "console-A7:m-1042:sms");
  EXPECT_TRUE(result.reason.empty());

  ConsoleGateway file("file", "f", "sms", 10, "/tmp/x");
  EXPECT_EQ(file.classify(sms("x"), GatewayResponse{}).message_id, "file-A7:m-1042:sms");
}

TEST(AdaptersConsole, FailedWriteIsTemporary) {
  ConsoleGateway gateway("file", "f", "sms", 10, "/full/disk");
  GatewayResponse response;
  response.transport_error = 28;  // ENOSPC
  response.transport_message = "No space left on device";
  auto result = gateway.classify(sms("x"), response);
  EXPECT_EQ(result.outcome, dispatch::Outcome::temporary);
  EXPECT_TRUE(result.message_id.empty());
  EXPECT_EQ(result.reason, "write failed: No space left on device");
  EXPECT_EQ(result.reason.find("+1514"), std::string::npos);

  response.transport_message.clear();
  EXPECT_EQ(gateway.classify(sms("x"), response).reason, "write failed: error 28");

  GatewayResponse slow;
  slow.timed_out = true;
  result = gateway.classify(sms("x"), slow);
  EXPECT_EQ(result.outcome, dispatch::Outcome::temporary);
  EXPECT_EQ(result.reason, "write timed out");
}

}  // namespace
}  // namespace tocsin::adapters
