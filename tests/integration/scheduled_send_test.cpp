// Scheduled sends end to end (issue 8): a real redis-server, tocsind with --test-clock (its
// time runs ahead by test:clock_offset_ms), and the Twilio-shaped server as the members'
// phones. An alert with send_at ahead is scheduled by :send, sent once when the clock
// reaches it, never when cancelled before, and once across a restart or two daemons.

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <ctime>
#include <map>
#include <memory>
#include <string>

#include "alerts/local_time.h"
#include "alerts/rfc3339.h"
#include "http/json.h"
#include "proto/tocsin.pb.h"
#include "tests/support/alert_scenario.h"
#include "tests/support/daemon_process.h"
#include "tests/support/http_client.h"
#include "tests/support/redis_server.h"
#include "tests/support/redis_sync.h"
#include "tests/support/synthetic_roster.h"
#include "tests/support/twilio_server.h"

namespace tocsin {
namespace {

using namespace std::chrono_literals;
using testing::DaemonProcess;
using testing::eventually;
using testing::http_request;
using testing::HttpResponse;

constexpr int64_t kTwoHoursMs = 2 * 3600 * 1000;

// A UTC RFC 3339 time `from_now` from the wall clock (where the test clock starts).
std::string rfc3339_from_now(std::chrono::milliseconds from_now) {
  const auto when = std::chrono::system_clock::now() + from_now;
  const std::time_t t = std::chrono::system_clock::to_time_t(when);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

int64_t unix_ms_of(const std::string& rfc3339_utc) {
  std::tm tm{};
  strptime(rfc3339_utc.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return static_cast<int64_t>(timegm(&tm)) * 1000;
}

// "Mon 2026-11-23 01:00" of an RFC 3339 time on the union's clock (the daemon's default
// time_zone), as the CLI prints it.
std::string union_clock(const std::string& rfc3339) {
  return alerts::format_in_zone(*alerts::parse_rfc3339(rfc3339), "%a %Y-%m-%d %H:%M",
                                "America/Toronto");
}

class ScheduledSend : public ::testing::Test {
 protected:
  // `threshold`: alerts.approval_threshold.
  void start(int threshold = 100000) {
    threshold_ = threshold;
    daemon_ = start_daemon("schedule-test-1");
    admin_ = daemon_->bootstrap_admin("admin");
    marie_ = daemon_->create_token(admin_, R"({"name":"Marie","role":"executive"})");
    luc_ = daemon_->create_token(admin_, R"({"name":"Luc","role":"executive"})");
  }

  std::unique_ptr<DaemonProcess> start_daemon(const std::string& consumer) {
    DaemonProcess::Options options;
    options.redis_url = redis_server_.url();
    options.test_clock = true;
    options.extra_config = testing::twilio_gateway_config("tw", twilio_, 1000) +
                           "alerts { approval_threshold: " + std::to_string(threshold_) +
                           " }\n"
                           "dispatch { consumer_name: \"" +
                           consumer + "\" }\n";
    return std::make_unique<DaemonProcess>(options);
  }

  static std::string bearer(const std::string& token) { return "Authorization: Bearer " + token; }

  void import(size_t members, uint32_t seed) {
    testing::RosterOptions roster;
    roster.members = members;
    roster.seed = seed;
    roster.shared_phone_every = 0;
    auto imported =
        http_request("POST", daemon_->base_url() + "/v1/members:import",
                     testing::make_roster_csv(roster), {bearer(admin_), "Content-Type: text/csv"});
    ASSERT_EQ(imported.status, 200) << imported.body;
  }

  // An SMS alert by Marie to everyone, at send_at, expiring at expires_at (or in 2030).
  std::string create(const std::string& send_at, const std::string& expires_at = "",
                     const std::string& event_time = "") {
    std::string json = testing::alert_json(
        "SMS", R"({"sms":"{first_name}, assemblée {event_time}. OUI {code}. {rsvp_link}"})", "",
        R"("sendAt":")" + send_at + R"(")");
    if (!expires_at.empty()) {
      json.replace(json.find("2030-06-06T06:00:00-04:00"), 25, expires_at);
    }
    if (!event_time.empty()) {
      json.replace(json.find("2030-06-06T07:00:00-04:00"), 25, event_time);
    }
    auto created = http_request("POST", daemon_->base_url() + "/v1/alerts", json, {bearer(marie_)});
    EXPECT_EQ(created.status, 201) << created.body;
    return parse(created).alert().id();
  }

  static AlertResponse parse(const HttpResponse& response) {
    AlertResponse alert;
    std::string error;
    EXPECT_TRUE(http::from_json(response.body, &alert, &error)) << error << response.body;
    return alert;
  }

  HttpResponse post(const std::string& id, const std::string& verb, const std::string& token) {
    return http_request("POST", daemon_->base_url() + "/v1/alerts/" + id + ":" + verb, "",
                        {bearer(token)});
  }

  // Approved by Luc, then :send by Marie: scheduled.
  void schedule(const std::string& id) {
    auto approved = post(id, "approve", luc_);
    ASSERT_EQ(approved.status, 200) << approved.body;
    auto sent = post(id, "send", marie_);
    ASSERT_EQ(sent.status, 202) << sent.body;
    ASSERT_EQ(parse(sent).alert().state(), SCHEDULED) << sent.body;
  }

  void move_clock(int64_t offset_ms) {
    redis().command({"SET", "test:clock_offset_ms", std::to_string(offset_ms)});
  }

  std::string state(const std::string& id) {
    return redis().text({"HGET", "alert:{" + id + "}", "state"});
  }
  bool wait_state(const std::string& id, const std::string& wanted) {
    return eventually([&] { return state(id) == wanted; }, 30s);
  }
  bool item_waiting(const std::string& id) {
    return !redis().command({"ZSCORE", "{schedule}", "send|" + id}).is_nil();
  }
  // Audit entries of `action` on alert `id`.
  int audits(const std::string& id, const std::string& action) {
    int found = 0;
    for (const auto& entry : redis().command({"XRANGE", "audit", "-", "+"}).elements) {
      std::map<std::string, std::string> fields;
      const auto& pairs = entry.elements[1].elements;
      for (size_t i = 0; i + 1 < pairs.size(); i += 2) fields[pairs[i].str] = pairs[i + 1].str;
      if (fields["subject"] == id && fields["action"] == action) ++found;
    }
    return found;
  }
  // Messages the provider accepted, per phone number.
  std::map<std::string, int> messages_per_phone() {
    std::map<std::string, int> per_phone;
    for (const auto& message : twilio_.messages()) per_phone[message.to]++;
    return per_phone;
  }
  int64_t sms_members() { return redis().integer({"SCARD", "{roster}:members:sms"}); }

  testing::RedisSync& redis() {
    if (!sync_) sync_ = std::make_unique<testing::RedisSync>(redis_server_.port());
    return *sync_;
  }

  std::string describe(const std::string& id) {
    std::string text;
    auto fields = redis().command({"HGETALL", "alert:{" + id + "}"});
    for (size_t i = 0; i + 1 < fields.elements.size(); i += 2) {
      if (fields.elements[i].str == "proto") continue;
      text += fields.elements[i].str + "=" + fields.elements[i + 1].str + " ";
    }
    return text + "| log: " + daemon_->process().stderr_text().substr(0, 3000);
  }

  testing::RedisServer redis_server_;
  testing::TwilioServer twilio_;
  std::unique_ptr<DaemonProcess> daemon_;
  std::unique_ptr<testing::RedisSync> sync_;
  int threshold_ = 100000;
  std::string admin_, marie_, luc_;
};

TEST_F(ScheduledSend, SendsEveryMemberOnceAtItsTimeIncludingMembersImportedMeanwhile) {
  start();
  import(30, 1);
  const std::string send_at = rfc3339_from_now(std::chrono::milliseconds(kTwoHoursMs));
  const std::string id = create(send_at);
  schedule(id);

  // Scheduled: the item due at send_at, nothing frozen, nothing sent.
  ASSERT_TRUE(item_waiting(id));
  EXPECT_EQ(redis().integer({"ZSCORE", "{schedule}", "send|" + id}), unix_ms_of(send_at));
  EXPECT_EQ(state(id), "scheduled");
  EXPECT_EQ(redis().text({"HGET", "alert:{" + id + "}", "scheduled_by"}), "Marie");
  EXPECT_EQ(redis().integer({"EXISTS", "alert:{" + id + "}:audience"}), 0);
  EXPECT_EQ(audits(id, "alert.schedule"), 1);
  auto shown = http_request("GET", daemon_->base_url() + "/v1/alerts/" + id, "", {bearer(luc_)});
  EXPECT_EQ(parse(shown).alert().send_at(), send_at);
  EXPECT_EQ(parse(shown).alert().state(), SCHEDULED);
  EXPECT_EQ(twilio_.requests(), 0u);
  // tocsin alert show says when, on the union's clock, whatever the reader's (UTC here).
  auto cli = testing::run_command(
      {TOCSIN_CLI_PATH, "alert", "show", id},
      {{"TOCSIN_URL", daemon_->base_url()}, {"TOCSIN_TOKEN", luc_}, {"TZ", "UTC"}});
  EXPECT_EQ(cli.exit_code, 0) << cli.err;
  EXPECT_NE(cli.out.find("scheduled for " + union_clock(send_at) + "\n"), std::string::npos)
      << cli.out;

  // Members imported after scheduling are in the audience frozen at the time.
  const int64_t scheduled_with = sms_members();
  import(40, 1);  // the same 30 and 10 more
  ASSERT_GT(sms_members(), scheduled_with);

  move_clock(kTwoHoursMs + 1000);
  ASSERT_TRUE(wait_state(id, "sent")) << describe(id);
  const auto per_phone = messages_per_phone();
  EXPECT_EQ(static_cast<int64_t>(per_phone.size()), sms_members());
  for (const auto& [phone, count] : per_phone) EXPECT_EQ(count, 1) << "a phone got " << count;
  EXPECT_EQ(redis().integer({"HGET", "alert:{" + id + "}", "audience_size"}),
            redis().integer({"SCARD", "{roster}:members:all"}));
  EXPECT_EQ(redis().text({"HGET", "alert:{" + id + "}", "sent_by"}), "Marie");
  EXPECT_FALSE(item_waiting(id));
  EXPECT_EQ(redis().integer({"ZCARD", "{schedule}:running"}), 0);
  EXPECT_EQ(audits(id, "alert.send"), 1);
}

TEST_F(ScheduledSend, CancelledBeforeItsTimeIsNeverSent) {
  start();
  import(25, 2);
  const std::string send_at = rfc3339_from_now(std::chrono::milliseconds(kTwoHoursMs));
  const std::string cancelled = create(send_at);
  const std::string kept = create(send_at);
  schedule(cancelled);
  schedule(kept);

  auto answer = post(cancelled, "cancel", luc_);
  ASSERT_EQ(answer.status, 200) << answer.body;
  EXPECT_EQ(parse(answer).alert().state(), CANCELLED);
  EXPECT_EQ(parse(answer).cancelled_by(), "Luc");
  EXPECT_FALSE(item_waiting(cancelled));
  EXPECT_TRUE(item_waiting(kept));

  // The kept alert, due at the same time, being sent shows the scheduler went past it.
  move_clock(kTwoHoursMs + 1000);
  ASSERT_TRUE(wait_state(kept, "sent")) << describe(kept);
  EXPECT_EQ(state(cancelled), "cancelled");
  EXPECT_EQ(redis().integer({"EXISTS", "alert:{" + cancelled + "}:sent"}), 0);
  EXPECT_EQ(redis().integer({"EXISTS", "alert:{" + cancelled + "}:audience"}), 0);
  EXPECT_EQ(static_cast<int64_t>(twilio_.accepted()), sms_members());
  EXPECT_EQ(audits(cancelled, "alert.send"), 0);
  // A cancelled alert cannot be sent again.
  EXPECT_EQ(post(cancelled, "send", marie_).status, 409);
}

TEST_F(ScheduledSend, ARestartedDaemonStillSendsItOnceAtItsTime) {
  start();
  import(30, 3);
  const std::string id = create(rfc3339_from_now(std::chrono::milliseconds(kTwoHoursMs)));
  schedule(id);

  daemon_.reset();  // SIGKILL: nothing in memory survives
  daemon_ = start_daemon("schedule-test-1");
  ASSERT_EQ(state(id), "scheduled");
  move_clock(kTwoHoursMs + 1000);
  ASSERT_TRUE(wait_state(id, "sent")) << describe(id);
  const auto per_phone = messages_per_phone();
  EXPECT_EQ(static_cast<int64_t>(per_phone.size()), sms_members());
  for (const auto& [phone, count] : per_phone) EXPECT_EQ(count, 1);
  EXPECT_EQ(audits(id, "alert.send"), 1);
}

TEST_F(ScheduledSend, TwoDaemonsOnOneRedisSendItOnce) {
  start();
  auto second = start_daemon("schedule-test-2");
  import(40, 4);
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    ids.push_back(create(rfc3339_from_now(std::chrono::milliseconds(kTwoHoursMs))));
    schedule(ids.back());
  }
  move_clock(kTwoHoursMs + 1000);
  for (const auto& id : ids) ASSERT_TRUE(wait_state(id, "sent")) << describe(id);
  const auto per_phone = messages_per_phone();
  EXPECT_EQ(static_cast<int64_t>(per_phone.size()), sms_members());
  for (const auto& [phone, count] : per_phone) EXPECT_EQ(count, 3) << "one per alert";
  for (const auto& id : ids) {
    EXPECT_EQ(audits(id, "alert.send"), 1);
    EXPECT_EQ(redis().integer({"HGET", "alert:{" + id + "}", "audience_size"}),
              redis().integer({"SCARD", "{roster}:members:all"}));
  }
}

// A crash between the start and the item's end runs the item again: it finds the alert
// sending or sent and sends nothing more.
TEST_F(ScheduledSend, TheItemRunAgainAfterTheStartSendsNothingMore) {
  start();
  import(20, 8);
  const std::string id = create(rfc3339_from_now(std::chrono::milliseconds(kTwoHoursMs)));
  schedule(id);
  move_clock(kTwoHoursMs + 1000);
  ASSERT_TRUE(wait_state(id, "sent")) << describe(id);
  const uint64_t accepted = twilio_.accepted();

  // The item again, as the lease of a daemon killed after the start would give it back.
  redis().command({"ZADD", "{schedule}", "0", "send|" + id});
  ASSERT_TRUE(eventually(
      [&] {
        return !item_waiting(id) &&
               redis().command({"ZSCORE", "{schedule}:running", "send|" + id}).is_nil();
      },
      10s));
  EXPECT_EQ(state(id), "sent");
  EXPECT_EQ(audits(id, "alert.send"), 1);
  EXPECT_EQ(twilio_.accepted(), accepted);
  EXPECT_EQ(static_cast<int64_t>(accepted), sms_members());
}

// Scheduled unapproved within the threshold, then the roster grew past it: at its time the
// rule is applied to the audience then, as a send now would be. The alert goes back to an
// unapproved draft with an audit entry saying why; nothing is sent.
TEST_F(ScheduledSend, AnAudienceGrownPastTheThresholdGoesBackToDraftUnsent) {
  start(/*threshold=*/15);
  import(10, 9);
  const std::string id = create(rfc3339_from_now(std::chrono::milliseconds(kTwoHoursMs)));
  auto sent = post(id, "send", marie_);  // a draft within the threshold: no approval needed
  ASSERT_EQ(sent.status, 202) << sent.body;
  ASSERT_EQ(state(id), "scheduled");
  import(30, 9);
  move_clock(kTwoHoursMs + 1000);
  ASSERT_TRUE(wait_state(id, "draft")) << describe(id);
  // The entry reaches the audit log by the relay right after the state moved.
  EXPECT_TRUE(eventually([&] { return audits(id, "alert.schedule_refused") > 0; }, 5s));
  EXPECT_EQ(audits(id, "alert.schedule_refused"), 1);
  EXPECT_FALSE(item_waiting(id));
  EXPECT_EQ(twilio_.requests(), 0u);
  // A second executive approves it, and it is sent (its time has passed: at once).
  auto approved = post(id, "approve", luc_);
  ASSERT_EQ(approved.status, 200) << approved.body;
  ASSERT_EQ(post(id, "send", marie_).status, 202);
  ASSERT_TRUE(wait_state(id, "sent")) << describe(id);
  EXPECT_EQ(static_cast<int64_t>(twilio_.accepted()), sms_members());
}

TEST_F(ScheduledSend, ALargeAudienceWithoutASecondApprovalIsRefusedEvenWithSendAt) {
  start(/*threshold=*/10);
  import(20, 5);
  const std::string id = create(rfc3339_from_now(std::chrono::milliseconds(kTwoHoursMs)));
  // The creator cannot approve it herself, and cannot send it unapproved.
  EXPECT_EQ(post(id, "approve", marie_).status, 403);
  auto refused = post(id, "send", marie_);
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_EQ(state(id), "draft");
  EXPECT_FALSE(item_waiting(id));
  EXPECT_EQ(audits(id, "alert.schedule"), 0);
  // Approved by a second executive, it is scheduled.
  schedule(id);
  EXPECT_TRUE(item_waiting(id));
}

TEST_F(ScheduledSend, ASendAtAlreadyPastSendsNow) {
  start();
  import(10, 6);
  const std::string id = create(rfc3339_from_now(-std::chrono::milliseconds(60'000)));
  auto approved = post(id, "approve", luc_);
  ASSERT_EQ(approved.status, 200) << approved.body;
  auto sent = post(id, "send", marie_);
  ASSERT_EQ(sent.status, 202) << sent.body;
  EXPECT_NE(parse(sent).alert().state(), SCHEDULED);
  ASSERT_TRUE(wait_state(id, "sent")) << describe(id);
  EXPECT_FALSE(item_waiting(id));
  EXPECT_EQ(static_cast<int64_t>(twilio_.accepted()), sms_members());
}

TEST_F(ScheduledSend, AnAlertExpiredBeforeItsTimeIsCancelledByExpiryAndNothingIsSent) {
  start();
  import(10, 7);
  // Sent in an hour, expiring five minutes later: the daemon was away past both.
  const std::string id = create(rfc3339_from_now(std::chrono::milliseconds(3600'000)),
                                rfc3339_from_now(std::chrono::milliseconds(3900'000)),
                                rfc3339_from_now(std::chrono::milliseconds(7200'000)));
  schedule(id);
  move_clock(kTwoHoursMs);
  ASSERT_TRUE(wait_state(id, "cancelled")) << describe(id);
  EXPECT_EQ(redis().text({"HGET", "alert:{" + id + "}", "cancelled_by"}), "expiry");
  EXPECT_TRUE(eventually([&] { return audits(id, "alert.schedule_expired") > 0; }, 5s));
  EXPECT_EQ(audits(id, "alert.schedule_expired"), 1);
  EXPECT_FALSE(item_waiting(id));
  EXPECT_EQ(twilio_.requests(), 0u);
}

}  // namespace
}  // namespace tocsin
