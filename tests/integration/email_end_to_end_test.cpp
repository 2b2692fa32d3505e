// An email alert end to end: a real redis-server, a real tocsind whose smtp gateway speaks
// STARTTLS and AUTH to a real SMTP server (aiosmtpd, tests/support/smtp_sink.py, with a
// certificate made for the test), and a roster of 300 members in French and English, some
// sharing an address. Every email the server kept is decoded by Python's email package
// (tests/support/parse_email.py) and checked against the member its address belongs to.

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "http/json.h"
#include "proto/tocsin.pb.h"
#include "tests/support/daemon_process.h"
#include "tests/support/http_client.h"
#include "tests/support/redis_server.h"
#include "tests/support/redis_sync.h"
#include "tests/support/smtp_sink.h"
#include "tests/support/synthetic_roster.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_certificate.h"

namespace tocsin {
namespace {

using namespace std::chrono_literals;
using google::protobuf::Struct;
using google::protobuf::Value;
using testing::DaemonProcess;
using testing::eventually;
using testing::http_request;

constexpr size_t kMembers = 300;
constexpr char kSmtpUser[] = "tocsin";
constexpr char kSmtpPassword[] = "mot-de-passe-2025";

// The templates of the alert, per language, and what they become for one first name and
// link (the test renders them itself to compare with what arrived).
struct Texts {
  std::string subject_template;
  std::string body_template;
  std::string subject(const std::string& first_name) const {
    return replace(subject_template, "{first_name}", first_name);
  }
  std::string body(const std::string& first_name, const std::string& link) const {
    return replace(replace(body_template, "{first_name}", first_name), "{rsvp_link}", link);
  }
  static std::string replace(std::string text, const std::string& from, const std::string& to) {
    for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
      text.replace(at, from.size(), to);
    return text;
  }
};

const Texts kFrench{"Assemblée d'urgence — grève, {first_name} ✊",
                    "Bonjour {first_name},\n\nL’assemblée d'urgence sur la grève a lieu à "
                    "l’aréna. « Soyez-y » : ça compte !\n\nRépondez ici : {rsvp_link}\n"};
const Texts kEnglish{"Emergency assembly — strike vote, {first_name}",
                     "Hello {first_name},\n\nThe emergency assembly on the strike is at the "
                     "arena (l’aréna Émile-Côté).\n\nAnswer here: {rsvp_link}\n"};

// A JSON string literal of text (quotes, backslashes and line feeds escaped).
std::string json_string(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

// The roster as CSV, every field quoted (the generator's own CSV cannot share emails).
std::string roster_csv(const std::vector<testing::RosterMember>& roster) {
  const auto quoted = [](const std::string& value) {
    std::string out = "\"";
    for (char c : value) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
  };
  std::string csv = "Numéro de membre,Prénom,Nom,Cellulaire,Courriel,Langue\r\n";
  for (const auto& m : roster) {
    csv += quoted(m.id) + "," + quoted(m.first_name) + "," + quoted(m.last_name) + "," +
           quoted(m.phone) + "," + quoted(m.email) + "," + quoted(m.language) + "\r\n";
  }
  return csv;
}

// What parse_email.py says about each file, in order.
std::vector<Struct> parse_with_python(const std::vector<std::filesystem::path>& files) {
  testing::Subprocess::Options spawn;
  spawn.argv = {"/usr/bin/python3",
                std::string(TOCSIN_SOURCE_DIR) + "/tests/support/parse_email.py"};
  for (const auto& file : files) spawn.argv.push_back(file.string());
  testing::Subprocess python(spawn);
  EXPECT_EQ(python.wait_for_exit(60s), 0) << python.stderr_text();
  Struct output;
  const auto status = google::protobuf::util::JsonStringToMessage(python.stdout_text(), &output);
  EXPECT_TRUE(status.ok()) << status.ToString();
  std::vector<Struct> messages;
  if (!output.fields().contains("messages")) return messages;
  for (const Value& message : output.fields().at("messages").list_value().values()) {
    messages.push_back(message.struct_value());
  }
  return messages;
}

std::string text(const Struct& object, const std::string& key) {
  auto it = object.fields().find(key);
  return it == object.fields().end() ? "<missing>" : it->second.string_value();
}

std::vector<std::string> strings(const Struct& object, const std::string& key) {
  std::vector<std::string> out;
  auto it = object.fields().find(key);
  if (it == object.fields().end()) return out;
  for (const Value& value : it->second.list_value().values()) out.push_back(value.string_value());
  return out;
}

class EmailEndToEnd : public ::testing::Test {
 protected:
  EmailEndToEnd()
      : certificate_(testing::make_test_certificate(certificate_dir_.path())),
        sink_(testing::SmtpSink::Options{.tls_certificate = certificate_.certificate,
                                         .tls_key = certificate_.private_key,
                                         .username = kSmtpUser,
                                         .password = kSmtpPassword}) {
    DaemonProcess::Options daemon;
    daemon.redis_url = redis_.url();
    // A submission server as a union would have it: STARTTLS required, then AUTH.
    daemon.extra_config =
        "gateways { name: \"mail\" rate_per_second: 400 smtp { url: \"" + sink_.url() +
        "\" from: \"Syndicat de l’Estrie <mobilisation@syndicat.qc.ca>\" require_tls: true "
        "ca_file: \"" +
        certificate_.certificate.string() + "\" username: \"" + kSmtpUser +
        "\" password { inline: \"" + kSmtpPassword +
        "\" } } }\n"
        "alerts { approval_threshold: 100000 }\n";
    daemon_ = std::make_unique<DaemonProcess>(daemon);
    token_ = daemon_->bootstrap_admin("e2e");
    redis_sync_ = std::make_unique<testing::RedisSync>(redis_.port());
  }

  std::vector<std::string> auth() const { return {"Authorization: Bearer " + token_}; }

  testing::RedisServer redis_;
  testing::TempDir certificate_dir_{"tocsin-email-e2e"};
  testing::TestCertificate certificate_;
  testing::SmtpSink sink_;
  std::unique_ptr<DaemonProcess> daemon_;
  std::string token_;
  std::unique_ptr<testing::RedisSync> redis_sync_;
};

TEST_F(EmailEndToEnd, EachAddressGetsItsMembersEmailWithTheirOwnLinkOverFewConnections) {
  testing::RosterOptions options;
  options.members = kMembers;
  auto roster = testing::make_roster(options);
  // Every 40th member shares the previous one's address (a couple): one email for both.
  for (size_t i = 2; i < roster.size(); i += 40) {
    if (!roster[i - 1].email.empty()) roster[i].email = roster[i - 1].email;
  }
  std::map<std::string, const testing::RosterMember*> member_by_id;
  std::map<std::string, std::set<std::string>> members_by_address;
  std::set<std::string> languages;
  for (const auto& member : roster) {
    member_by_id[member.id] = &member;
    if (member.email.empty()) continue;
    members_by_address[member.email].insert(member.id);
    languages.insert(member.language == "en" ? "en" : "fr");
  }
  ASSERT_EQ(languages, (std::set<std::string>{"en", "fr"}));
  ASSERT_LT(members_by_address.size(), kMembers - 5) << "some members share or lack an address";

  auto imported = http_request("POST", daemon_->base_url() + "/v1/members:import",
                               roster_csv(roster), {auth()[0], "Content-Type: text/csv"});
  ASSERT_EQ(imported.status, 200) << imported.body;

  const std::string alert =
      R"({"kind":"BANNER_DROP","title":"E2E email","eventTime":"2030-06-06T07:00:00-04:00",)"
      R"("expiresAt":"2030-06-06T06:00:00-04:00","place":"Aréna","audience":"all",)"
      R"("channels":"EMAIL","messages":{"fr":{"emailSubject":)" +
      json_string(kFrench.subject_template) + R"(,"emailBody":)" +
      json_string(kFrench.body_template) + R"(},"en":{"emailSubject":)" +
      json_string(kEnglish.subject_template) + R"(,"emailBody":)" +
      json_string(kEnglish.body_template) + "}}}";
  auto created = http_request("POST", daemon_->base_url() + "/v1/alerts", alert, auth());
  ASSERT_EQ(created.status, 201) << created.body;
  AlertResponse response;
  std::string error;
  ASSERT_TRUE(http::from_json(created.body, &response, &error)) << error;
  const std::string id = response.alert().id();
  const std::string code = response.alert().code();
  auto sent = http_request("POST", daemon_->base_url() + "/v1/alerts/" + id + ":send", "", auth());
  ASSERT_EQ(sent.status, 202) << sent.body;

  ASSERT_TRUE(eventually(
      [&] {
        return redis_sync_->text({"HGET", "alert:{" + id + "}", "state"}) == "sent";
      },
      60s))
      << daemon_->process().stderr_text();
  const int64_t addresses = static_cast<int64_t>(members_by_address.size());
  EXPECT_EQ(redis_sync_->integer({"HGET", "alert:{" + id + "}:count", "sent"}), addresses);
  int64_t sharing = 0;  // members whose address another member's email already covers
  for (const auto& [address, members] : members_by_address) sharing += members.size() - 1;
  ASSERT_GT(sharing, 0);
  EXPECT_EQ(redis_sync_->integer({"HGET", "alert:{" + id + "}:count", "skipped"}), sharing)
      << redis_sync_->text({"HGETALL", "alert:{" + id + "}:count"});

  const auto files = sink_.message_files();
  ASSERT_EQ(files.size(), members_by_address.size()) << "one email per address";
  const auto received = parse_with_python(files);
  ASSERT_EQ(received.size(), files.size());

  // "{public_url}/r/{code}.{tag}": the tag names the member in alert:{id}:links.
  const std::regex link_pattern("https?://[^\\s<>]+/r/" + code + "\\.([A-Za-z0-9_-]{10})");
  std::set<std::string> seen_addresses;
  std::set<std::string> seen_tags;
  for (const Struct& message : received) {
    const auto rcpt = strings(message, "rcpt");
    ASSERT_EQ(rcpt.size(), 1u);
    const std::string& address = rcpt[0];
    SCOPED_TRACE(address);
    EXPECT_TRUE(seen_addresses.insert(address).second) << "a second email to one address";
    ASSERT_TRUE(members_by_address.contains(address)) << "an address nobody has";
    EXPECT_EQ(text(message, "to"), address);

    // The member it was sent for: the owner the engine recorded, one of the address's.
    const std::string member_id = redis_sync_->text({"HGET", "alert:{" + id + "}:to", address});
    ASSERT_TRUE(members_by_address[address].contains(member_id)) << member_id;
    const testing::RosterMember& member = *member_by_id.at(member_id);
    const bool english = member.language == "en";
    const Texts& texts = english ? kEnglish : kFrench;

    const std::string plain = text(message, "plain");
    std::smatch link;
    ASSERT_TRUE(std::regex_search(plain, link, link_pattern)) << plain;
    EXPECT_TRUE(seen_tags.insert(link[1]).second) << "a link sent twice";
    EXPECT_EQ(redis_sync_->text({"HGET", "alert:{" + id + "}:links", link[1]}), member_id)
        << "the link is the member's own";

    EXPECT_EQ(text(message, "subject"), texts.subject(member.first_name));
    EXPECT_EQ(plain, texts.body(member.first_name, link.str()));
    const std::string html = text(message, "html");
    EXPECT_NE(html.find("<html lang=\"" + std::string(english ? "en" : "fr") + "\">"),
              std::string::npos);
    EXPECT_NE(html.find(member.first_name), std::string::npos);
    EXPECT_NE(html.find("<a href=\"" + link.str() + "\">"), std::string::npos);
    EXPECT_EQ(text(message, "content_language"), english ? "en" : "fr");
    EXPECT_EQ(text(message, "message_id").rfind("<tocsin.", 0), 0u) << text(message, "message_id");
    EXPECT_NE(text(message, "list_unsubscribe").find("<" + link.str() + ">"), std::string::npos)
        << text(message, "list_unsubscribe");
    EXPECT_EQ(text(message, "from_name"), "Syndicat de l’Estrie");
    EXPECT_TRUE(strings(message, "defects").empty()) << strings(message, "defects").front();
  }

  const auto activity = sink_.activity();
  EXPECT_EQ(activity.mail_commands, addresses);
  EXPECT_EQ(activity.mail_in_clear, 0) << "every message went over STARTTLS";
  EXPECT_EQ(activity.refused_logins, 0);
  EXPECT_LT(activity.mail_connections.size(), files.size() / 4)
      << "several messages per SMTP connection";
  RecordProperty("smtp_connections", static_cast<int>(activity.mail_connections.size()));
  RecordProperty("emails", static_cast<int>(files.size()));
}

}  // namespace
}  // namespace tocsin
