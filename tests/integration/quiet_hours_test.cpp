// Quiet hours end to end (config alerts.quiet_hours): a real redis-server, a real tocsind
// whose clock the test moves (--test-clock, Redis key test:clock_offset_ms), the
// Twilio-shaped server as the SMS gateway and a file gateway for email. The union's zone
// is America/Toronto and INFORMATION and EMERGENCY_ASSEMBLY SMS are quiet from 21:00 to
// 08:00: messages sent at 22:30 wait, as retries due at 08:00, and go once in the morning.

#include <gtest/gtest.h>

#include <ctime>
#include <fstream>
#include <iterator>
#include <set>

#include "alerts/local_time.h"
#include "http/json.h"
#include "proto/tocsin.pb.h"
#include "tests/support/alert_scenario.h"
#include "tests/support/daemon_process.h"
#include "tests/support/http_client.h"
#include "tests/support/redis_server.h"
#include "tests/support/redis_sync.h"
#include "tests/support/synthetic_roster.h"
#include "tests/support/temp_dir.h"
#include "tests/support/twilio_server.h"

namespace tocsin {
namespace {

using namespace std::chrono_literals;
using std::chrono::system_clock;
using testing::DaemonProcess;
using testing::eventually;
using testing::http_request;

constexpr const char* kZone = "America/Toronto";
constexpr size_t kMembers = 300;

int64_t to_ms(system_clock::time_point when) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(when.time_since_epoch()).count();
}

// RFC 3339 in UTC ("2026-11-24T12:00:00Z"), as the API takes it.
std::string rfc3339(system_clock::time_point when) {
  const std::time_t seconds = system_clock::to_time_t(when);
  std::tm fields{};
  gmtime_r(&seconds, &fields);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &fields);
  return text;
}

size_t occurrences(const std::string& text, const std::string& part) {
  size_t count = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++count;
  return count;
}

class QuietHours : public ::testing::Test {
 protected:
  void SetUp() override {
    DaemonProcess::Options options;
    options.redis_url = redis_server_.url();
    options.test_clock = true;
    options.extra_config =
        testing::twilio_gateway_config("tw", twilio_, 2000) +
        "gateways { name: \"mail\" rate_per_second: 2000 file { channel: \"email\" path: \"" +
        email_file().string() + "\" } }\n" + "time_zone: \"" + kZone +
        "\"\n"
        "alerts {\n"
        "  approval_threshold: 100000\n"
        "  quiet_hours { kinds: [INFORMATION, EMERGENCY_ASSEMBLY] channels: SMS\n"
        "                start: \"21:00\" end: \"08:00\" }\n"
        "}\n";
    daemon_ = std::make_unique<DaemonProcess>(options);
    token_ = daemon_->bootstrap_admin("quiet-test");
    redis_ = std::make_unique<testing::RedisSync>(redis_server_.port());

    testing::RosterOptions roster;
    roster.members = kMembers;
    auto imported =
        http_request("POST", daemon_->base_url() + "/v1/members:import",
                     testing::make_roster_csv(roster), {auth(), "Content-Type: text/csv"});
    ASSERT_EQ(imported.status, 200) << imported.body;
    count_addresses();

    // The daemon's local time: 22:30 tonight (the next 22:30 in the union's zone).
    night_ = alerts::next_local_clock(system_clock::now(), 22 * 60 + 30, kZone);
    morning_ = alerts::next_local_clock(night_, 8 * 60, kZone);
    move_clock_to(night_);
  }

  std::filesystem::path email_file() const { return dir_.path() / "email.jsonl"; }
  std::string auth() const { return "Authorization: Bearer " + token_; }

  // Sets the daemon's clock to `when` (it runs on from there) and waits until it follows.
  void move_clock_to(system_clock::time_point when) {
    const int64_t offset = to_ms(when) - to_ms(system_clock::now());
    redis_->command({"SET", "test:clock_offset_ms", std::to_string(offset)});
    const std::string moved = "event=test_clock_moved offset_ms=" + std::to_string(offset);
    ASSERT_TRUE(eventually(
        [&] { return daemon_->process().stderr_text().find(moved) != std::string::npos; }, 10s))
        << "the daemon did not take the clock offset";
  }

  // Distinct mobiles and emails of the roster: one message per address (shared phones get
  // one), nobody opted out.
  void count_addresses() {
    std::set<std::string> mobiles, emails;
    for (const auto& id : redis_->command({"SMEMBERS", "{roster}:members:all"}).elements) {
      auto idx =
          redis_->command({"HMGET", "{roster}:member:" + id.str + ":idx", "mobile", "email"});
      if (!idx.elements[0].str.empty()) mobiles.insert(idx.elements[0].str);
      if (!idx.elements[1].str.empty()) emails.insert(idx.elements[1].str);
    }
    mobiles_ = static_cast<int64_t>(mobiles.size());
    emails_ = static_cast<int64_t>(emails.size());
    ASSERT_GT(mobiles_, 250);
  }

  // An alert to everyone; `more` adds JSON fields (each followed by a comma).
  std::string alert_json(const std::string& kind, const std::string& channels,
                         const std::string& more = "") {
    return R"({"kind":")" + kind + R"(","title":"Quiet hours",)" + more +
           R"("eventTime":"2030-06-06T07:00:00-04:00","expiresAt":"2030-06-06T06:00:00-04:00",)"
           R"("place":"Parc Lafontaine","audience":"all","channels":")" +
           channels +
           R"(","messages":{"fr":{"sms":"{first_name}, info {place}. {rsvp_link}",)"
           R"("emailSubject":"Info","emailBody":"Bonjour {first_name}, {rsvp_link}"}}})";
  }

  std::string create(const std::string& json) {
    auto response = http_request("POST", daemon_->base_url() + "/v1/alerts", json, {auth()});
    EXPECT_EQ(response.status, 201) << response.body;
    AlertResponse created;
    std::string error;
    EXPECT_TRUE(http::from_json(response.body, &created, &error)) << error << response.body;
    return created.alert().id();
  }

  std::string send(const std::string& json) {
    const std::string id = create(json);
    auto response =
        http_request("POST", daemon_->base_url() + "/v1/alerts/" + id + ":send", "", {auth()});
    EXPECT_EQ(response.status, 202) << response.body;
    return id;
  }

  std::string state(const std::string& id) {
    return redis_->text({"HGET", "alert:{" + id + "}", "state"});
  }
  int64_t field(const std::string& id, const std::string& name) {
    return redis_->integer({"HGET", "alert:{" + id + "}", name});
  }
  int64_t count(const std::string& id, const std::string& delivery_state) {
    return redis_->integer({"HGET", "alert:{" + id + "}:count", delivery_state});
  }

  // Every member's SMS is waiting: all jobs done, one retry per address, none sent.
  bool all_sms_held(const std::string& id) {
    return field(id, "jobs_pending") == 0 && count(id, "retrying") == mobiles_ &&
           field(id, "retries_pending") == mobiles_;
  }

  size_t email_lines() {
    std::ifstream in(email_file());
    return static_cast<size_t>(
        std::count(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>(), '\n'));
  }

  // A figure of /metrics.
  std::string metric(const std::string& name) {
    const std::string text = testing::http_get(daemon_->base_url() + "/metrics").body;
    const auto at = text.find("\n" + name + " ");
    if (at == std::string::npos) return "?";
    const auto begin = at + name.size() + 2;
    return text.substr(begin, text.find('\n', begin) - begin);
  }

  std::string describe(const std::string& id) {
    std::string text;
    for (const std::string& key : {"alert:{" + id + "}", "alert:{" + id + "}:count"}) {
      auto fields = redis_->command({"HGETALL", key});
      for (size_t i = 0; i + 1 < fields.elements.size(); i += 2) {
        if (fields.elements[i].str == "proto") continue;
        text += fields.elements[i].str + "=" + fields.elements[i + 1].str + " ";
      }
    }
    return text + "| twilio accepted " + std::to_string(twilio_.accepted());
  }

  testing::TwilioServer twilio_;
  testing::RedisServer redis_server_;
  testing::TempDir dir_;
  std::unique_ptr<DaemonProcess> daemon_;
  std::unique_ptr<testing::RedisSync> redis_;
  std::string token_;
  int64_t mobiles_ = 0;
  int64_t emails_ = 0;
  system_clock::time_point night_;
  system_clock::time_point morning_;
};

TEST_F(QuietHours, InformationSmsAtNightWaitsUntilEightAndIsThenSentOnce) {
  const std::string id = send(alert_json("INFORMATION", "SMS"));
  ASSERT_TRUE(eventually([&] { return all_sms_held(id); }, 30s)) << describe(id);

  EXPECT_EQ(twilio_.requests(), 0u) << "nothing goes to the provider in quiet hours";
  EXPECT_EQ(state(id), "sending") << "not sent while messages wait";
  EXPECT_EQ(count(id, "sent"), 0);
  // Each waits as a retry due at 08:00 with its first attempt still to come.
  const auto retries = redis_->command({"ZRANGE", "q:retry", "0", "-1", "WITHSCORES"});
  ASSERT_EQ(static_cast<int64_t>(retries.elements.size()), 2 * mobiles_);
  for (size_t i = 0; i + 1 < retries.elements.size(); i += 2) {
    const std::string& entry = retries.elements[i].str;
    EXPECT_TRUE(entry.starts_with(id + "|") && entry.ends_with("|sms|1")) << entry;
    EXPECT_EQ(std::stoll(retries.elements[i + 1].str), to_ms(morning_)) << entry;
  }
  // One log line for the alert's night, not one per member.
  const std::string line = "event=dispatch_quiet_hours_hold alert=" + id +
                           " held=" + std::to_string(mobiles_) +
                           " until=" + std::to_string(to_ms(morning_));
  ASSERT_TRUE(eventually(
      [&] { return daemon_->process().stderr_text().find(line) != std::string::npos; }, 10s))
      << "no line " << line;
  EXPECT_EQ(
      occurrences(daemon_->process().stderr_text(), "event=dispatch_quiet_hours_hold alert=" + id),
      1u);
  EXPECT_EQ(twilio_.requests(), 0u);
  EXPECT_EQ(metric("tocsin_dispatch_held_total"), std::to_string(mobiles_));

  move_clock_to(morning_ + 30s);
  ASSERT_TRUE(eventually([&] { return state(id) == "sent"; }, 60s)) << describe(id);
  EXPECT_EQ(static_cast<int64_t>(twilio_.accepted()), mobiles_);
  std::set<std::string> numbers;
  for (const auto& message : twilio_.messages()) numbers.insert(message.to);
  EXPECT_EQ(static_cast<int64_t>(numbers.size()), mobiles_) << "each number exactly once";
  EXPECT_EQ(count(id, "sent"), mobiles_);
  EXPECT_EQ(count(id, "retrying"), 0);
  EXPECT_EQ(field(id, "retries_pending"), 0);
  EXPECT_EQ(count(id, "expired"), 0);
  EXPECT_EQ(count(id, "failed"), 0);
}

TEST_F(QuietHours, EmergencyAssemblyGoesAtOnceOnlyWhenItIgnoresQuietHours) {
  const std::string urgent =
      send(alert_json("EMERGENCY_ASSEMBLY", "SMS", R"("ignoreQuietHours":true,)"));
  ASSERT_TRUE(eventually([&] { return state(urgent) == "sent"; }, 30s)) << describe(urgent);
  EXPECT_EQ(static_cast<int64_t>(twilio_.accepted()), mobiles_);
  EXPECT_EQ(count(urgent, "sent"), mobiles_);
  EXPECT_EQ(count(urgent, "retrying"), 0);

  const std::string waiting = send(alert_json("EMERGENCY_ASSEMBLY", "SMS"));
  ASSERT_TRUE(eventually([&] { return all_sms_held(waiting); }, 30s)) << describe(waiting);
  EXPECT_EQ(state(waiting), "sending");
  EXPECT_EQ(count(waiting, "sent"), 0);
  EXPECT_EQ(static_cast<int64_t>(twilio_.accepted()), mobiles_) << "only the first alert's";
}

TEST_F(QuietHours, AlertCancelledDuringTheNightSendsNothingInTheMorning) {
  const std::string id = send(alert_json("INFORMATION", "SMS"));
  ASSERT_TRUE(eventually([&] { return all_sms_held(id); }, 30s)) << describe(id);
  auto cancelled =
      http_request("POST", daemon_->base_url() + "/v1/alerts/" + id + ":cancel", "", {auth()});
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;

  move_clock_to(morning_ + 30s);
  // The morning's retry pass finds the alert cancelled: each waiting message is recorded
  // cancelled and leaves q:retry, none is sent.
  ASSERT_TRUE(eventually([&] { return count(id, "cancelled") == mobiles_; }, 30s)) << describe(id);
  EXPECT_EQ(count(id, "retrying"), 0);
  // The record step writes the alert's states first and clears q:retry in a call of its own
  // after (daemon/README.md, "The send's record step is split by slot"): waited for.
  EXPECT_TRUE(eventually(
      [&] {
        return redis_->integer({"ZCARD", "q:retry"}) == 0;
      },
      10s))
      << "q:retry still holds " << redis_->integer({"ZCARD", "q:retry"});
  EXPECT_EQ(twilio_.requests(), 0u);
  EXPECT_EQ(state(id), "cancelled");
}

TEST_F(QuietHours, AlertWhoseEventStartsBeforeTheWindowEndsIsExpiredNotSent) {
  // The event starts at 07:00 tomorrow morning, before the window ends at 08:00.
  const auto event = alerts::next_local_clock(night_, 7 * 60, kZone);
  std::string json = alert_json("INFORMATION", "SMS");
  const std::string from = R"("eventTime":"2030-06-06T07:00:00-04:00")";
  json.replace(json.find(from), from.size(), R"("eventTime":")" + rfc3339(event) + "\"");
  const std::string id = send(json);

  ASSERT_TRUE(eventually([&] { return state(id) == "sent"; }, 30s)) << describe(id);
  EXPECT_EQ(count(id, "expired"), mobiles_);
  EXPECT_EQ(count(id, "retrying"), 0);
  EXPECT_EQ(count(id, "sent"), 0);
  EXPECT_EQ(count(id, "failed"), 0);
  EXPECT_EQ(twilio_.requests(), 0u);
  EXPECT_EQ(redis_->integer({"ZCARD", "q:retry"}), 0);
}

TEST_F(QuietHours, EmailIsNotHeldByAnSmsOnlyWindow) {
  const std::string id = send(alert_json("INFORMATION", "BOTH"));
  ASSERT_TRUE(eventually([&] { return all_sms_held(id) && count(id, "sent") == emails_; }, 30s))
      << describe(id);
  EXPECT_EQ(static_cast<int64_t>(email_lines()), emails_);
  EXPECT_EQ(twilio_.requests(), 0u);
  EXPECT_EQ(state(id), "sending");
}

TEST_F(QuietHours, IgnoreQuietHoursIsRefusedForOtherKinds) {
  auto response =
      http_request("POST", daemon_->base_url() + "/v1/alerts",
                   alert_json("INFORMATION", "SMS", R"("ignoreQuietHours":true,)"), {auth()});
  EXPECT_EQ(response.status, 400) << response.body;
  EXPECT_NE(response.body.find("\"field\":\"ignore_quiet_hours\""), std::string::npos)
      << response.body;
}

TEST(QuietHoursConfig, BadStartIsRefusedNamingTheField) {
  testing::TempDir dir;
  const auto path = dir.path() / "tocsin.conf";
  std::ofstream(path) << "redis { url: \"redis://127.0.0.1:1\" }\n"
                         "alerts { quiet_hours { kinds: INFORMATION channels: SMS "
                         "start: \"25:00\" end: \"08:00\" } }\n";
  const auto result =
      testing::run_command({TOCSIN_TOCSIND_PATH, "--config", path.string(), "--check-config"});
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.err.find("alerts.quiet_hours[0].start"), std::string::npos)
      << result.out << result.err;
  EXPECT_NE(result.err.find("\"25:00\""), std::string::npos) << result.err;
}

}  // namespace
}  // namespace tocsin
