// Escalation (issue 8): waves and follow-ups, end to end on a real redis-server and tocsind
// started with --test-clock (its time follows test:clock_offset_ms, so a wave due in 45
// minutes runs when the test moves the clock, not after a sleep), sending through the
// Twilio-shaped server, with members answering through the signed inbound webhook.

#include <gtest/gtest.h>

#include <csignal>
#include <map>
#include <set>

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

constexpr const char* kReminderMark = "RAPPEL";

class Escalation : public ::testing::Test {
 protected:
  // `rate`: the gateway's messages per second; `job_size`: members per queue job.
  void start_daemon(double rate = 1000, int job_size = 50) {
    daemon_ = std::make_unique<DaemonProcess>(daemon_options(rate, job_size, "escalation-test"));
    if (token_.empty()) token_ = daemon_->bootstrap_admin("escalation-test");
  }

  DaemonProcess::Options daemon_options(double rate, int job_size, const std::string& consumer) {
    DaemonProcess::Options options;
    options.redis_url = redis_.url();
    options.test_clock = true;
    options.extra_config = testing::twilio_gateway_config("tw", twilio_, rate) +
                           "alerts { approval_threshold: " + std::to_string(threshold_) +
                           " }\n"
                           "dispatch { consumer_name: \"" +
                           consumer + "\" job_size: " + std::to_string(job_size) +
                           " claim_idle_ms: 2000 }\n";
    return options;
  }

  std::vector<std::string> auth(const std::string& token = "") const {
    return {"Authorization: Bearer " + (token.empty() ? token_ : token)};
  }

  // `count` members, each with a phone of their own; returns their ids.
  std::vector<std::string> import(size_t count) {
    testing::RosterOptions roster;
    roster.members = count;
    roster.shared_phone_every = 0;
    auto imported =
        http_request("POST", daemon_->base_url() + "/v1/members:import",
                     testing::make_roster_csv(roster), {auth()[0], "Content-Type: text/csv"});
    EXPECT_EQ(imported.status, 200) << imported.body;
    std::vector<std::string> ids;
    for (const auto& member : testing::make_roster(roster)) ids.push_back(member.id);
    return ids;
  }

  std::string phone(const std::string& member) {
    return redis().text({"HGET", "{roster}:member:" + member + ":idx", "mobile"});
  }

  // An SMS emergency assembly to everyone with `waves` (JSON array, "" for none).
  std::pair<std::string, std::string> send_alert(const std::string& waves) {
    const std::string json = testing::alert_json(
        "SMS", R"({"sms":"{first_name}: assemblée {event_time}. OUI ou NON {code}"})", "",
        waves.empty() ? "" : R"("waves":)" + waves);
    auto created = http_request("POST", daemon_->base_url() + "/v1/alerts", json, auth());
    EXPECT_EQ(created.status, 201) << created.body;
    AlertResponse response;
    std::string error;
    EXPECT_TRUE(http::from_json(created.body, &response, &error)) << error;
    const std::string id = response.alert().id();
    if (!approver_.empty()) {
      auto approved = http_request("POST", daemon_->base_url() + "/v1/alerts/" + id + ":approve",
                                   "", auth(approver_));
      EXPECT_EQ(approved.status, 200) << approved.body;
    }
    auto sent =
        http_request("POST", daemon_->base_url() + "/v1/alerts/" + id + ":send", "", auth());
    EXPECT_EQ(sent.status, 202) << sent.body;
    EXPECT_TRUE(eventually([&] { return state(id) == "sent"; }, 30s)) << describe(id);
    return {id, response.alert().code()};
  }

  static std::string reminder_wave(int delay_minutes, const std::string& group = "no_answer") {
    return R"([{"delayMinutes":)" + std::to_string(delay_minutes) + R"(,"targetGroup":")" + group +
           R"(","channels":"SMS","messages":{"fr":{"sms":")" + kReminderMark +
           R"( {first_name}, réponds OUI ou NON {code}"}}}])";
  }

  void reply(const std::string& member, const std::string& text) {
    auto answer = testing::post_twilio_reply(daemon_->base_url(), "tw", twilio_, phone(member),
                                             text, "SM" + std::to_string(++replies_));
    ASSERT_EQ(answer.status, 200) << answer.body;
  }

  // Waits until the reply worker has recorded `count` answers (RSVPs and unclear) to `id`.
  bool wait_answers(const std::string& id, int64_t count) {
    return eventually(
        [&] {
          return redis().integer({"HLEN", "alert:{" + id + "}:rsvp"}) +
                     redis().integer({"HLEN", "alert:{" + id + "}:unknown"}) ==
                 count;
        },
        10s);
  }

  void move_clock(std::chrono::minutes ahead) {
    redis().command(
        {"SET", "test:clock_offset_ms", std::to_string(std::chrono::milliseconds(ahead).count())});
  }

  std::string child_of(const std::string& id, const std::string& slot) {
    return redis().text({"HGET", "alert:{" + id + "}:children", slot});
  }

  std::string state(const std::string& id) {
    return redis().text({"HGET", "alert:{" + id + "}", "state"});
  }

  // The phones the reminder went to, with how many times each.
  std::map<std::string, int> reminded() {
    std::map<std::string, int> phones;
    for (const auto& message : twilio_.messages()) {
      if (message.body.find(kReminderMark) != std::string::npos) ++phones[message.to];
    }
    return phones;
  }

  std::string describe(const std::string& id) {
    std::string text;
    for (const std::string& key : {"alert:{" + id + "}", "alert:{" + id + "}:count"}) {
      auto fields = redis().command({"HGETALL", key});
      for (size_t i = 0; i + 1 < fields.elements.size(); i += 2) {
        if (fields.elements[i].str == "proto") continue;
        text += fields.elements[i].str + "=" + fields.elements[i + 1].str + " ";
      }
    }
    return text + "| daemon log: " + daemon_->process().stderr_text().substr(0, 6000);
  }

  testing::RedisSync& redis() {
    if (!sync_) sync_ = std::make_unique<testing::RedisSync>(redis_.port());
    return *sync_;
  }

  testing::RedisServer redis_;
  testing::TwilioServer twilio_;
  std::unique_ptr<DaemonProcess> daemon_;
  std::unique_ptr<testing::RedisSync> sync_;
  std::string token_;
  int64_t threshold_ = 100000;
  std::string approver_;  // a second executive's token, when set: approves each alert sent
  int replies_ = 0;
};

TEST_F(Escalation, AReminderGoesOnlyToMembersWithoutAnAnswerWhenItComesDue) {
  start_daemon();
  const auto members = import(60);
  const auto [id, code] = send_alert(reminder_wave(45));
  // 20 yes, 10 no, 5 unclear; 25 say nothing.
  for (size_t i = 0; i < 20; ++i) reply(members[i], "OUI");
  for (size_t i = 20; i < 30; ++i) reply(members[i], "non " + code);
  for (size_t i = 30; i < 35; ++i) reply(members[i], "euh ?? c quoi");
  ASSERT_TRUE(wait_answers(id, 35)) << describe(id);

  // 44 minutes on: not yet.
  move_clock(44min);
  ASSERT_TRUE(eventually(
      [&] {
        return redis().integer({"ZSCORE", "{schedule}", "wave|" + id + "|1"}) > 0;
      },
      5s));
  EXPECT_EQ(child_of(id, "wave:1"), "");

  move_clock(46min);
  std::string child;
  ASSERT_TRUE(eventually([&] { return !(child = child_of(id, "wave:1")).empty(); }, 10s))
      << describe(id);
  ASSERT_TRUE(eventually([&] { return state(child) == "sent"; }, 20s)) << describe(child);

  std::set<std::string> silent;
  for (size_t i = 35; i < members.size(); ++i) silent.insert(phone(members[i]));
  const auto phones = reminded();
  EXPECT_EQ(phones.size(), silent.size());
  for (const auto& [to, times] : phones) {
    EXPECT_TRUE(silent.contains(to)) << "a member who had answered was reminded";
    EXPECT_EQ(times, 1) << "reminded twice";
  }
  // The reminder is an alert of its own, with the parent's code.
  AlertResponse shown;
  std::string error;
  auto got = http_request("GET", daemon_->base_url() + "/v1/alerts/" + child, "", auth());
  ASSERT_TRUE(http::from_json(got.body, &shown, &error)) << error;
  EXPECT_EQ(shown.alert().parent_id(), id);
  EXPECT_EQ(shown.alert().code(), code);
  EXPECT_EQ(shown.alert().wave_index(), 1);
  EXPECT_EQ(shown.frozen_audience(), 25);

  // An answer to the reminder counts on the alert it reminds of.
  reply(members[40], "OUI");
  ASSERT_TRUE(wait_answers(id, 36)) << describe(id);
  EXPECT_EQ(redis().integer({"HEXISTS", "alert:{" + child + "}:rsvp", members[40]}), 0);
}

TEST_F(Escalation, AMemberWhoAnswersBetweenPlanningAndSendingIsNotReminded) {
  // Two messages a second, two members a job: the reminder's last jobs are prepared
  // seconds after its audience is frozen.
  start_daemon(2, 2);
  const auto members = import(16);
  const auto [id, code] = send_alert(reminder_wave(45));
  move_clock(46min);
  std::string child;
  ASSERT_TRUE(eventually([&] { return !(child = child_of(id, "wave:1")).empty(); }, 10s));
  ASSERT_TRUE(eventually([&] { return state(child) == "sending"; }, 10s)) << describe(child);
  // Planned: all 16 were silent when the wave ran.
  EXPECT_EQ(redis().integer({"SCARD", "alert:{" + child + "}:audience"}), 16);
  // The member of the last job not yet prepared answers now. The jobs are written to the
  // alert's outbox (then relayed to the send queue), the last with jobs_queued set.
  ASSERT_TRUE(eventually(
      [&] {
        return redis().text({"HGET", "alert:{" + child + "}", "jobs_queued"}) == "1";
      },
      10s))
      << describe(child);
  auto last_job = redis().command(
      {"XREVRANGE", "alert:{" + child + "}:jobs_out:q:send:urgent", "+", "-", "COUNT", "1"});
  std::string late;
  for (const auto& entry : last_job.elements) {
    const auto& fields = entry.elements[1].elements;
    if (fields.size() >= 4) late = fields[3].str;  // the job's first member ("m" field)
  }
  ASSERT_FALSE(late.empty());
  ASSERT_EQ(redis().text({"HGET", "alert:{" + child + "}:delivery", late + ":sms"}), "")
      << "prepared already: the gateway was faster than the test";
  reply(late, "OUI " + code);
  ASSERT_TRUE(wait_answers(id, 1));

  ASSERT_TRUE(eventually([&] { return state(child) == "sent"; }, 30s)) << describe(child);
  EXPECT_EQ(redis().text({"HGET", "alert:{" + child + "}:delivery", late + ":sms"}),
            "skipped:answered");
  const auto phones = reminded();
  EXPECT_EQ(phones.size(), 15u);
  EXPECT_FALSE(phones.contains(phone(late)));
}

TEST_F(Escalation, ARestartInTheMiddleOfAWaveNeitherSkipsNorRepeatsAnyone) {
  start_daemon(40, 5);
  const auto members = import(120);
  const auto [id, code] = send_alert(reminder_wave(45));
  move_clock(46min);
  std::string child;
  ASSERT_TRUE(eventually([&] { return !(child = child_of(id, "wave:1")).empty(); }, 10s));
  ASSERT_TRUE(eventually([&] { return reminded().size() >= 30; }, 20s));
  // Stopped mid-wave (SIGTERM: what systemd does), then started again on the same Redis.
  daemon_->process().send_signal(SIGTERM);
  ASSERT_TRUE(daemon_->process().wait_for_exit(15s).has_value());
  const size_t before = reminded().size();
  EXPECT_LT(before, members.size()) << "the wave finished before the restart";
  start_daemon(400, 5);
  ASSERT_TRUE(eventually([&] { return state(child) == "sent"; }, 30s)) << describe(child);

  const auto phones = reminded();
  EXPECT_EQ(phones.size(), members.size());
  for (const auto& [to, times] : phones) EXPECT_EQ(times, 1) << "reminded twice";
  // The wave ran once: one child, and no second run of the item.
  EXPECT_EQ(redis().integer({"HLEN", "alert:{" + id + "}:children"}), 1);
  EXPECT_EQ(redis().integer({"ZCARD", "{schedule}"}), 0);
}

TEST_F(Escalation, AWaveThatComesDueWhileNoDaemonRunsIsRunOnceAtTheNextStart) {
  start_daemon();
  import(10);
  const auto [id, code] = send_alert(reminder_wave(45));
  daemon_->process().send_signal(SIGTERM);
  ASSERT_TRUE(daemon_->process().wait_for_exit(15s).has_value());
  move_clock(120min);
  start_daemon();
  std::string child;
  ASSERT_TRUE(eventually([&] { return !(child = child_of(id, "wave:1")).empty(); }, 10s));
  ASSERT_TRUE(eventually([&] { return state(child) == "sent"; }, 20s)) << describe(child);
  EXPECT_EQ(reminded().size(), 10u);
}

TEST_F(Escalation, TwoDaemonsOnOneRedisRunAWaveOnce) {
  start_daemon(200, 5);
  DaemonProcess other(daemon_options(200, 5, "escalation-test-2"));
  import(50);
  const auto [id, code] = send_alert(reminder_wave(45));
  move_clock(46min);
  std::string child;
  ASSERT_TRUE(eventually([&] { return !(child = child_of(id, "wave:1")).empty(); }, 10s));
  ASSERT_TRUE(eventually([&] { return state(child) == "sent"; }, 20s)) << describe(child);
  EXPECT_EQ(redis().integer({"HLEN", "alert:{" + id + "}:children"}), 1);
  const auto phones = reminded();
  EXPECT_EQ(phones.size(), 50u);
  for (const auto& [to, times] : phones) EXPECT_EQ(times, 1) << "reminded twice";
  // One wave started, by one of the two.
  const std::string logs = daemon_->process().stderr_text() + other.process().stderr_text();
  size_t started = 0;
  for (size_t at = logs.find("event=wave_started"); at != std::string::npos;
       at = logs.find("event=wave_started", at + 1)) {
    ++started;
  }
  EXPECT_EQ(started, 1u);
}

TEST_F(Escalation, CancellingAnAlertStopsItsWaveInFlight) {
  // Two messages a second: the alert and its reminder are both still sending.
  start_daemon(2, 2);
  import(20);
  const std::string json = testing::alert_json(
      "SMS", R"({"sms":"{first_name}: assemblée {event_time}. OUI ou NON {code}"})", "",
      R"("waves":)" + reminder_wave(45));
  auto created = http_request("POST", daemon_->base_url() + "/v1/alerts", json, auth());
  AlertResponse response;
  std::string error;
  ASSERT_TRUE(http::from_json(created.body, &response, &error)) << created.body;
  const std::string id = response.alert().id();
  ASSERT_EQ(
      http_request("POST", daemon_->base_url() + "/v1/alerts/" + id + ":send", "", auth()).status,
      202);
  move_clock(46min);
  std::string child;
  ASSERT_TRUE(eventually([&] { return !(child = child_of(id, "wave:1")).empty(); }, 10s));
  ASSERT_TRUE(eventually([&] { return state(child) == "sending"; }, 10s)) << describe(child);

  auto cancelled =
      http_request("POST", daemon_->base_url() + "/v1/alerts/" + id + ":cancel", "", auth());
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(state(child), "cancelled");
  EXPECT_EQ(redis().text({"HGET", "alert:{" + child + "}", "cancelled_by"}), "escalation-test");
  EXPECT_LT(reminded().size(), 20u);
}

TEST_F(Escalation, ClosingAnAlertStopsItsWaveInFlight) {
  // The alert is sent quickly; its reminder goes at one message a second.
  start_daemon(1, 1);
  import(6);
  const auto [id, code] = send_alert(reminder_wave(45));
  move_clock(46min);
  std::string child;
  ASSERT_TRUE(eventually([&] { return !(child = child_of(id, "wave:1")).empty(); }, 10s));
  ASSERT_TRUE(eventually([&] { return state(child) == "sending"; }, 10s)) << describe(child);
  // Answers are no longer taken: the reminder asking for one stops.
  auto closed =
      http_request("POST", daemon_->base_url() + "/v1/alerts/" + id + ":close", "", auth());
  ASSERT_EQ(closed.status, 200) << closed.body;
  EXPECT_EQ(state(id), "closed");
  EXPECT_EQ(state(child), "cancelled");
  EXPECT_LT(reminded().size(), 6u);
}

TEST_F(Escalation, TheWavesOfAClosedAlertAreNotRun) {
  start_daemon();
  import(10);
  const auto [id, code] = send_alert(reminder_wave(45));
  // A sent alert cannot be cancelled; close it instead: answers are no longer taken, and
  // no one is reminded to give one.
  auto closed =
      http_request("POST", daemon_->base_url() + "/v1/alerts/" + id + ":close", "", auth());
  ASSERT_EQ(closed.status, 200) << closed.body;
  move_clock(46min);
  ASSERT_TRUE(eventually([&] { return redis().integer({"ZCARD", "{schedule}"}) == 0; }, 10s));
  EXPECT_EQ(child_of(id, "wave:1"), "");
  EXPECT_TRUE(reminded().empty());
  // The item leaves the schedule when the scheduler takes it, before the wave runner has
  // looked at the alert and written why it skipped it: wait for that entry.
  auto audit_says_skipped = [&] {
    auto audit = redis().command({"XREVRANGE", "audit", "+", "-", "COUNT", "5"});
    for (const auto& entry : audit.elements) {
      const auto& f = entry.elements[1].elements;
      for (size_t i = 0; i + 1 < f.size(); i += 2) {
        if (f[i].str == "action" && f[i + 1].str == "alert.wave_skipped") return true;
      }
    }
    return false;
  };
  EXPECT_TRUE(eventually(audit_says_skipped, 10s))
      << "the audit does not say why the wave did not run";
}

TEST_F(Escalation, AWaveDueAfterTheEventStartsIsNotRun) {
  start_daemon();
  import(10);
  // The event (2030-06-06) is years ahead; the wave is due at an absolute time after it.
  const auto [id, code] =
      send_alert(R"([{"at":"2030-06-06T08:00:00-04:00","targetGroup":"no_answer","channels":"SMS",)"
                 R"("messages":{"fr":{"sms":"RAPPEL {code}"}}}])");
  const auto due = redis().text({"ZSCORE", "{schedule}", "wave|" + id + "|1"});
  ASSERT_FALSE(due.empty());
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  redis().command(
      {"SET", "test:clock_offset_ms", std::to_string(std::stoll(due) - now_ms + 60'000)});
  ASSERT_TRUE(eventually([&] { return redis().integer({"ZCARD", "{schedule}"}) == 0; }, 10s));
  EXPECT_EQ(child_of(id, "wave:1"), "");
  EXPECT_TRUE(reminded().empty());
}

// Each group of a sent alert, as a follow-up's preview counts it: yes (with and without a
// bus seat), maybe, no, unclear, silent, and an SMS that failed (a landline).
TEST_F(Escalation, AFollowUpReachesExactlyItsGroup) {
  start_daemon();
  testing::RosterOptions roster;
  roster.members = 12;
  roster.shared_phone_every = 0;
  const auto roster_members = testing::make_roster(roster);
  const auto members = import(12);
  twilio_.set_landlines({phone(members[11])});
  // A pickup point in the regions of the two members who ask for a bus seat.
  std::set<std::string> bus_regions{roster_members[0].region, roster_members[1].region};
  std::string pickups;
  for (const auto& region : bus_regions) {
    pickups += std::string(pickups.empty() ? "" : ",") + R"({"id":"P)" +
               std::to_string(pickups.size()) + R"(","name":"Terminus","region":")" + region +
               R"(","busCapacity":50})";
  }
  const std::string json = testing::alert_json(
      "SMS", R"({"sms":"{first_name}: assemblée {event_time}. OUI ou NON {code}"})", "",
      R"("pickupPoints":[)" + pickups + "]");
  auto created = http_request("POST", daemon_->base_url() + "/v1/alerts", json, auth());
  ASSERT_EQ(created.status, 201) << created.body;
  AlertResponse parent;
  std::string error;
  ASSERT_TRUE(http::from_json(created.body, &parent, &error));
  const std::string id = parent.alert().id();
  ASSERT_EQ(
      http_request("POST", daemon_->base_url() + "/v1/alerts/" + id + ":send", "", auth()).status,
      202);
  ASSERT_TRUE(eventually([&] { return state(id) == "sent"; }, 30s)) << describe(id);
  reply(members[0], "OUI BUS");
  reply(members[1], "OUI BUS");
  reply(members[2], "OUI");
  reply(members[3], "OUI AUTO 3");
  reply(members[4], "PEUT-ETRE");
  reply(members[5], "NON");
  reply(members[6], "euh ?? c quoi");
  ASSERT_TRUE(wait_answers(id, 7)) << describe(id);

  const auto audience_of = [&](const std::string& group) -> int64_t {
    const std::string body =
        R"({"targetGroup":")" + group +
        R"(","channels":"SMS","messages":{"fr":{"sms":"Changement de lieu {code}"}}})";
    auto response =
        http_request("POST", daemon_->base_url() + "/v1/alerts/" + id + "/followups", body, auth());
    EXPECT_EQ(response.status, 201) << response.body;
    AlertResponse followup;
    std::string parse_error;
    EXPECT_TRUE(http::from_json(response.body, &followup, &parse_error)) << parse_error;
    EXPECT_EQ(followup.alert().state(), DRAFT);
    EXPECT_EQ(followup.alert().parent_id(), id);
    return followup.audience_members();
  };
  EXPECT_EQ(audience_of("yes_with_bus"), 2);
  EXPECT_EQ(audience_of("yes"), 4);
  EXPECT_EQ(audience_of("maybe"), 1);
  EXPECT_EQ(audience_of("no_answer"), 5);      // members 7 to 11
  EXPECT_EQ(audience_of("not_delivered"), 1);  // the landline
}

TEST_F(Escalation, AFollowUpIsApprovedSentAndAuditedLikeAnAlert) {
  threshold_ = 3;  // above it, a second executive must approve
  start_daemon();
  const auto members = import(10);
  approver_ = daemon_->create_token(token_, R"({"name":"Deuxième","role":"executive"})");
  const auto [id, code] = send_alert("");
  for (size_t i = 0; i < 5; ++i) reply(members[i], "OUI");
  ASSERT_TRUE(wait_answers(id, 5));

  const std::string body =
      R"({"title":"Changement de lieu","targetGroup":"yes","channels":"SMS",)"
      R"("messages":{"fr":{"sms":"CHANGEMENT: on se retrouve au parc Jarry {code}"}}})";
  auto created =
      http_request("POST", daemon_->base_url() + "/v1/alerts/" + id + "/followups", body, auth());
  ASSERT_EQ(created.status, 201) << created.body;
  AlertResponse followup;
  std::string error;
  ASSERT_TRUE(http::from_json(created.body, &followup, &error));
  const std::string child = followup.alert().id();
  EXPECT_EQ(followup.audience_members(), 5);
  EXPECT_TRUE(followup.needs_second_approval());
  ASSERT_EQ(followup.preview().sms_size(), 1);
  EXPECT_NE(followup.preview().sms(0).text().find("parc Jarry " + code), std::string::npos);

  // Its creator may not approve it, nor send it unapproved.
  EXPECT_EQ(
      http_request("POST", daemon_->base_url() + "/v1/alerts/" + child + ":approve", "", auth())
          .status,
      403);
  EXPECT_EQ(http_request("POST", daemon_->base_url() + "/v1/alerts/" + child + ":send", "", auth())
                .status,
            403);
  ASSERT_EQ(http_request("POST", daemon_->base_url() + "/v1/alerts/" + child + ":approve", "",
                         auth(approver_))
                .status,
            200);
  ASSERT_EQ(http_request("POST", daemon_->base_url() + "/v1/alerts/" + child + ":send", "", auth())
                .status,
            202);
  ASSERT_TRUE(eventually([&] { return state(child) == "sent"; }, 20s)) << describe(child);

  std::set<std::string> yes;
  for (size_t i = 0; i < 5; ++i) yes.insert(phone(members[i]));
  std::set<std::string> got;
  for (const auto& message : twilio_.messages()) {
    if (message.body.find("CHANGEMENT") != std::string::npos) got.insert(message.to);
  }
  EXPECT_EQ(got, yes);

  std::vector<std::string> actions;
  auto audit = redis().command({"XRANGE", "audit", "-", "+"});
  for (const auto& entry : audit.elements) {
    const auto& f = entry.elements[1].elements;
    std::string action, subject;
    for (size_t i = 0; i + 1 < f.size(); i += 2) {
      if (f[i].str == "action") action = f[i + 1].str;
      if (f[i].str == "subject") subject = f[i + 1].str;
    }
    if (subject == child) actions.push_back(action);
  }
  // The parent's entry first: the follow-up's slot is reserved in the parent before the
  // follow-up is written (alerts/alert_store.cpp, create_child).
  EXPECT_EQ(actions, (std::vector<std::string>{"alert.child_create", "alert.create",
                                               "alert.approve", "alert.send", "alert.sent"}));
}

TEST_F(Escalation, AFollowUpRequestWithAnUnknownGroupIsRefusedWithItsField) {
  start_daemon();
  import(3);
  const auto [id, code] = send_alert("");
  auto refused = http_request(
      "POST", daemon_->base_url() + "/v1/alerts/" + id + "/followups",
      R"({"targetGroup":"yess","channels":"SMS","messages":{"fr":{"sms":"x"}}})", auth());
  EXPECT_EQ(refused.status, 400);
  EXPECT_NE(refused.body.find("\"field\":\"target_group\""), std::string::npos) << refused.body;
  EXPECT_NE(refused.body.find("yess"), std::string::npos) << refused.body;
  // Nothing was stored.
  EXPECT_EQ(redis().integer({"EXISTS", "alert:{" + id + "}:children"}), 0);
}

}  // namespace
}  // namespace tocsin
