// The dispatch engine end to end: a real redis-server (AOF on), a real tocsind with file
// gateways, 10,000 synthetic members, alerts created and sent through the HTTP API. The
// gateway files are the members' phones and mailboxes: each line is one message, with its
// idempotency key "alert:member:channel".

#include <gtest/gtest.h>

#include <csignal>
#include <ctime>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <thread>

#include "http/json.h"
#include "proto/tocsin.pb.h"
#include "tests/support/daemon_process.h"
#include "tests/support/http_client.h"
#include "tests/support/redis_server.h"
#include "tests/support/redis_sync.h"
#include "tests/support/synthetic_roster.h"
#include "tests/support/temp_dir.h"

namespace tocsin {
namespace {

using namespace std::chrono_literals;
using testing::DaemonProcess;
using testing::eventually;
using testing::http_request;
using testing::RedisServer;
using testing::RedisSync;
using testing::TempDir;

constexpr int kMaxInFlight = 64;

// Message keys ("alert:member:channel") in a gateway file, with how often each was sent.
std::map<std::string, int> sent_keys(const std::filesystem::path& path) {
  std::map<std::string, int> keys;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    const auto at = line.find("\"key\":\"");
    if (at == std::string::npos) continue;
    const auto begin = at + 7;
    keys[line.substr(begin, line.find('"', begin) - begin)]++;
  }
  return keys;
}

size_t line_count(const std::filesystem::path& path) {
  std::ifstream in(path);
  return static_cast<size_t>(
      std::count(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>(), '\n'));
}

int duplicates(const std::map<std::string, int>& keys) {
  int extra = 0;
  for (const auto& [key, count] : keys) extra += count - 1;
  return extra;
}

class DispatchEngine : public ::testing::Test {
 protected:
  std::filesystem::path sms_file() const { return dir_.path() / "sms.jsonl"; }
  std::filesystem::path email_file() const { return dir_.path() / "email.jsonl"; }

  // `dispatch_extra`: more fields of the dispatch block (" job_size: 1").
  void start_daemon(double sms_rate, double email_rate, const std::string& consumer = "engine-test",
                    const std::string& dispatch_extra = "") {
    DaemonProcess::Options options;
    options.redis_url = redis_.url();
    options.extra_config =
        "gateways { name: \"sms-file\" rate_per_second: " + std::to_string(sms_rate) +
        " file { channel: \"sms\" path: \"" + sms_file().string() + "\" } }\n" +
        "gateways { name: \"email-file\" rate_per_second: " + std::to_string(email_rate) +
        " file { channel: \"email\" path: \"" + email_file().string() + "\" } }\n" +
        "alerts { approval_threshold: 1000000 }\n"
        "dispatch { consumer_name: \"" +
        consumer + "\" max_in_flight: " + std::to_string(kMaxInFlight) + " claim_idle_ms: 2000" +
        dispatch_extra + " }\n";
    daemon_ = std::make_unique<DaemonProcess>(options);
    if (token_.empty()) token_ = daemon_->bootstrap_admin("engine-test");
  }

  std::vector<std::string> auth() const { return {"Authorization: Bearer " + token_}; }

  void import_members(size_t count) {
    testing::RosterOptions roster;
    roster.members = count;
    auto response = http_request("POST", daemon_->base_url() + "/v1/members:import",
                                 testing::make_roster_csv(roster),
                                 {"Authorization: Bearer " + token_, "Content-Type: text/csv"});
    ASSERT_EQ(response.status, 200) << response.body;
  }

  // `times`: the eventTime and expiresAt fields, ending with a comma.
  std::string create_alert(
      const std::string& kind, const std::string& audience, const std::string& channels,
      const std::string& times = R"("eventTime":"2030-06-06T07:00:00-04:00",)"
                                 R"("expiresAt":"2030-06-06T06:00:00-04:00",)") {
    const std::string body = R"({"kind":")" + kind + R"(","title":"Test",)" + times +
                             R"("place":"Parc Lafontaine",)" + R"("audience":")" + audience +
                             R"(","channels":")" + channels +
                             R"(","messages":{"fr":{"sms":"{first_name}, assemblée )" +
                             R"({event_time} à {place}. OUI {code} ou NON {code}. {rsvp_link}",)" +
                             R"("emailSubject":"Assemblée d'urgence","emailBody":"Bonjour )" +
                             R"({first_name}, {rsvp_link}"},"en":{"sms":"{first_name}, )" +
                             R"(assembly {event_time} at {place}. {rsvp_link}",)" +
                             R"("emailSubject":"Emergency assembly","emailBody":"Hello )" +
                             R"({first_name}, {rsvp_link}"}}})";
    auto response = http_request("POST", daemon_->base_url() + "/v1/alerts", body, auth());
    EXPECT_EQ(response.status, 201) << response.body;
    AlertResponse created;
    std::string error;
    EXPECT_TRUE(http::from_json(response.body, &created, &error)) << error << response.body;
    return created.alert().id();
  }

  // Imports `members` and sends them an SMS alert: its id and its frozen audience.
  std::pair<std::string, int64_t> send_sms_to_all(int members) {
    import_members(members);
    const std::string id = create_alert("EMERGENCY_ASSEMBLY", "all", "SMS");
    send(id);
    return {id, std::stoll(alert_field(id, "audience_size"))};
  }

  void send(const std::string& id) {
    auto response =
        http_request("POST", daemon_->base_url() + "/v1/alerts/" + id + ":send", "", auth());
    ASSERT_EQ(response.status, 202) << response.body;
  }

  std::string state(const std::string& id) {
    return redis_sync().text({"HGET", "alert:{" + id + "}", "state"});
  }

  bool wait_sent(const std::string& id, std::chrono::milliseconds timeout) {
    return eventually([&] { return state(id) == "sent"; }, timeout);
  }

  RedisSync& redis_sync() {
    if (!sync_) sync_ = std::make_unique<RedisSync>(redis_.port());
    return *sync_;
  }

  // What an alert to everyone should reach: one message per distinct mobile and per
  // distinct email among members not opted out (shared addresses get one).
  std::pair<size_t, size_t> distinct_addresses() {
    std::set<std::string> mobiles;
    std::set<std::string> emails;
    for (const auto& id : redis_sync().command({"SMEMBERS", "{roster}:members:all"}).elements) {
      auto idx =
          redis_sync().command({"HMGET", "{roster}:member:" + id.str + ":idx", "mobile", "email"});
      if (!idx.elements[0].str.empty()) mobiles.insert(idx.elements[0].str);
      if (!idx.elements[1].str.empty()) emails.insert(idx.elements[1].str);
    }
    return {mobiles.size(), emails.size()};
  }

  std::string alert_field(const std::string& id, const std::string& field) {
    return redis_sync().text({"HGET", "alert:{" + id + "}", field});
  }

  // How many entries of the send queue name each member of the alert.
  std::map<std::string, int> queued_members(const std::string& id) {
    std::map<std::string, int> seen;
    for (const auto& entry : redis_sync().command({"XRANGE", "q:send:urgent", "-", "+"}).elements) {
      const auto& fields = entry.elements.at(1).elements;
      if (fields.size() < 2 || fields[1].str != id) continue;
      for (size_t i = 3; i < fields.size(); i += 2) seen[fields[i].str]++;
    }
    return seen;
  }

  // A figure of /metrics.
  std::string metric(const std::string& name) {
    const std::string text = testing::http_get(daemon_->base_url() + "/metrics").body;
    const auto at = text.find("\n" + name + " ");
    if (at == std::string::npos) return "?";
    const auto begin = at + name.size() + 2;
    return text.substr(begin, text.find('\n', begin) - begin);
  }

  // The alert's bookkeeping, for failure messages.
  std::string describe(const std::string& id) {
    std::string text;
    for (const std::string& key : {"alert:{" + id + "}", "alert:{" + id + "}:count"}) {
      auto fields = redis_sync().command({"HGETALL", key});
      for (size_t i = 0; i + 1 < fields.elements.size(); i += 2) {
        if (fields.elements[i].str == "proto") continue;
        text += fields.elements[i].str + "=" + fields.elements[i + 1].str + " ";
      }
    }
    text += "| daemon log: " + daemon_->process().stderr_text().substr(0, 4000);
    return text;
  }

  RedisServer redis_;
  TempDir dir_;
  std::unique_ptr<DaemonProcess> daemon_;
  std::unique_ptr<RedisSync> sync_;
  std::string token_;
};

TEST_F(DispatchEngine, TenThousandMembersAreEachReachedExactlyOncePerChannel) {
  start_daemon(100000, 100000);
  import_members(10000);
  const std::string id = create_alert("EMERGENCY_ASSEMBLY", "all", "BOTH");
  send(id);
  ASSERT_TRUE(wait_sent(id, 90s)) << "state " << state(id);

  const auto sms = sent_keys(sms_file());
  const auto email = sent_keys(email_file());
  EXPECT_EQ(duplicates(sms), 0);
  EXPECT_EQ(duplicates(email), 0);
  const auto [mobiles, emails] = distinct_addresses();
  EXPECT_EQ(sms.size(), mobiles);
  EXPECT_EQ(email.size(), emails);
  // Every message on file is recorded as sent, and nothing else is.
  const auto counts = redis_sync().command({"HGETALL", "alert:{" + id + "}:count"});
  std::map<std::string, int64_t> by_state;
  for (size_t i = 0; i + 1 < counts.elements.size(); i += 2) {
    by_state[counts.elements[i].str] = std::stoll(counts.elements[i + 1].str);
  }
  EXPECT_EQ(by_state["sent"], static_cast<int64_t>(sms.size() + email.size()));
  EXPECT_GT(by_state["skipped"], 0) << "the roster has shared phones";
  EXPECT_EQ(by_state["retrying"], 0);
  // The queue is empty: every job was acknowledged.
  EXPECT_EQ(redis_sync().integer({"XLEN", "q:send:urgent"}), 0);
  EXPECT_EQ(redis_sync().text({"HGET", "alert:{" + id + "}", "jobs_pending"}), "0");
}

TEST_F(DispatchEngine, CancelStopsABlastWithinASecond) {
  start_daemon(1000, 1000);
  import_members(10000);
  const std::string id = create_alert("INFORMATION", "all", "SMS");
  send(id);
  ASSERT_TRUE(eventually([&] { return line_count(sms_file()) >= 1000; }, 30s));
  auto response =
      http_request("POST", daemon_->base_url() + "/v1/alerts/" + id + ":cancel", "", auth());
  ASSERT_EQ(response.status, 200) << response.body;
  const auto cancelled_at = std::chrono::steady_clock::now();
  // Measured, not waited on: lines still appearing after a second would be the failure.
  std::this_thread::sleep_until(cancelled_at + 1s);
  const size_t after_one_second = line_count(sms_file());
  std::this_thread::sleep_until(cancelled_at + 3s);
  const size_t after_three_seconds = line_count(sms_file());
  std::cout << "[ figures  ] lines at cancel+1s: " << after_one_second
            << ", at cancel+3s: " << after_three_seconds << "\n";
  EXPECT_EQ(after_one_second, after_three_seconds);
  EXPECT_LT(after_three_seconds, 9000u);
  EXPECT_EQ(state(id), "cancelled");
  EXPECT_EQ(duplicates(sent_keys(sms_file())), 0);
}

// Issue 8: nothing is sent once the event has started; what was not sent is expired.
TEST_F(DispatchEngine, SendingStopsWhenTheEventStarts) {
  // 200 SMS a second for 3,000 members would take 15 s; the event starts after 4.
  start_daemon(200, 1000);
  import_members(3000);
  const auto starts =
      std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()) + 5s;
  const std::time_t starts_t = std::chrono::system_clock::to_time_t(starts);
  std::tm utc{};
  gmtime_r(&starts_t, &utc);
  char event_time[32];
  std::strftime(event_time, sizeof event_time, "%Y-%m-%dT%H:%M:%SZ", &utc);
  // Expiring an hour later: the event start is the deadline that counts here.
  ++utc.tm_hour;
  timegm(&utc);
  char expires_at[32];
  std::strftime(expires_at, sizeof expires_at, "%Y-%m-%dT%H:%M:%SZ", &utc);
  const std::string id = create_alert("EMERGENCY_ASSEMBLY", "all", "SMS",
                                      R"("eventTime":")" + std::string(event_time) +
                                          R"(","expiresAt":")" + std::string(expires_at) + R"(",)");
  send(id);
  ASSERT_TRUE(wait_sent(id, 30s)) << describe(id);
  const auto finished = std::chrono::system_clock::now();
  auto count = [&](const std::string& state) {
    const std::string value = redis_sync().text({"HGET", "alert:{" + id + "}:count", state});
    return value.empty() ? 0 : std::stoll(value);
  };
  const int64_t sent = count("sent") + count("delivered");
  const int64_t expired = count("expired");
  std::cout << "[ figures  ] sent " << sent << ", expired " << expired << ", finished "
            << std::chrono::duration_cast<std::chrono::milliseconds>(finished - starts).count()
            << " ms after the event start\n";
  EXPECT_GT(sent, 0) << describe(id);
  EXPECT_GT(expired, 1000) << describe(id);
  // Every message the gateway wrote is counted sent; nothing was written after the event
  // start beyond what was already in flight.
  EXPECT_EQ(static_cast<int64_t>(line_count(sms_file())), sent);
  EXPECT_LT(sent, 200 * 6 + kMaxInFlight) << describe(id);
  // Every SMS recipient is accounted for: sent or expired (or skipped, failed, opted out).
  EXPECT_EQ(sent + expired + count("skipped") + count("failed") + count("opted_out"),
            redis_sync().integer({"HLEN", "alert:{" + id + "}:delivery"}));
}

TEST_F(DispatchEngine, KillNineMidBlastThenRestartReachesEveryoneWithFewDuplicates) {
  start_daemon(2000, 2000);
  import_members(10000);
  const std::string id = create_alert("EMERGENCY_ASSEMBLY", "all", "SMS");
  send(id);
  ASSERT_TRUE(eventually([&] { return line_count(sms_file()) >= 3000; }, 30s));
  const std::string in_flight = metric("tocsin_dispatch_in_flight");
  daemon_->process().send_signal(SIGKILL);
  daemon_->process().wait_for_exit(10s);
  const size_t at_crash = line_count(sms_file());
  ASSERT_LT(at_crash, 9000u) << "the blast ended before the crash: nothing was tested";

  start_daemon(2000, 2000);  // same consumer name: it takes its own jobs back at once
  ASSERT_TRUE(wait_sent(id, 60s)) << "state " << state(id);
  const auto sms = sent_keys(sms_file());
  const auto [mobiles, emails] = distinct_addresses();
  std::cout << "[ figures  ] kill -9 after " << at_crash << " messages: duplicates "
            << duplicates(sms) << "; in flight just before the kill " << in_flight
            << " (bound: max_in_flight " << kMaxInFlight << ")\n";
  EXPECT_EQ(sms.size(), mobiles) << "every phone reached";
  EXPECT_LE(duplicates(sms), kMaxInFlight);
}

TEST_F(DispatchEngine, AnotherDaemonTakesOverTheJobsOfADeadOne) {
  start_daemon(2000, 2000, "daemon-a");
  import_members(10000);
  const std::string id = create_alert("EMERGENCY_ASSEMBLY", "all", "SMS");
  send(id);
  ASSERT_TRUE(eventually([&] { return line_count(sms_file()) >= 3000; }, 30s));
  daemon_->process().send_signal(SIGKILL);
  daemon_->process().wait_for_exit(10s);
  ASSERT_LT(line_count(sms_file()), 9000u);

  // A different consumer: it reads new jobs at once and claims daemon-a's after
  // claim_idle_ms (2 s here).
  start_daemon(2000, 2000, "daemon-b");
  ASSERT_TRUE(wait_sent(id, 60s)) << "state " << state(id);
  const auto sms = sent_keys(sms_file());
  const auto [mobiles, emails] = distinct_addresses();
  EXPECT_EQ(sms.size(), mobiles);
  EXPECT_LE(duplicates(sms), kMaxInFlight);
  EXPECT_NE(daemon_->process().stderr_text().find("event=dispatch_claimed"), std::string::npos);
}

TEST_F(DispatchEngine, TemporaryFailuresAreRetriedUntilTheGatewayRecovers) {
  // The gateway's directory does not exist yet: every write fails with ENOENT, which the
  // file gateway reports as temporary.
  const auto missing = dir_.path() / "not-yet";
  DaemonProcess::Options options;
  options.redis_url = redis_.url();
  options.extra_config =
      "gateways { name: \"sms-file\" rate_per_second: 1000 file { channel: "
      "\"sms\" path: \"" +
      (missing / "sms.jsonl").string() +
      "\" } }\n"
      "alerts { approval_threshold: 1000000 }\n";
  daemon_ = std::make_unique<DaemonProcess>(options);
  token_ = daemon_->bootstrap_admin("engine-test");
  import_members(200);
  const std::string id = create_alert("BANNER_DROP", "all", "SMS");
  send(id);
  ASSERT_TRUE(eventually(
      [&] {
        return redis_sync().integer({"HGET", "alert:{" + id + "}:count", "retrying"}) > 0;
      },
      10s));
  EXPECT_EQ(state(id), "sending");
  std::filesystem::create_directory(missing);
  ASSERT_TRUE(wait_sent(id, 30s)) << describe(id);
  const auto sms = sent_keys(missing / "sms.jsonl");
  const auto [mobiles, emails] = distinct_addresses();
  EXPECT_EQ(sms.size(), mobiles);
  EXPECT_EQ(duplicates(sms), 0);
  EXPECT_EQ(redis_sync().text({"HGET", "alert:{" + id + "}:count", "retrying"}), "0");
  EXPECT_EQ(redis_sync().integer({"ZCARD", "q:retry"}), 0);
}

TEST_F(DispatchEngine, ABlastFinishesAcrossARedisRestart) {
  start_daemon(2000, 2000);
  import_members(10000);
  const std::string id = create_alert("EMERGENCY_ASSEMBLY", "all", "SMS");
  send(id);
  ASSERT_TRUE(eventually([&] { return line_count(sms_file()) >= 3000; }, 30s));
  sync_.reset();
  redis_.kill();
  redis_.start();
  ASSERT_TRUE(wait_sent(id, 60s)) << "state " << state(id);
  const auto sms = sent_keys(sms_file());
  const auto [mobiles, emails] = distinct_addresses();
  std::cout << "[ figures  ] Redis killed mid-blast: duplicates " << duplicates(sms) << "\n";
  EXPECT_EQ(sms.size(), mobiles) << describe(id);
  EXPECT_LE(duplicates(sms), kMaxInFlight);
}

TEST_F(DispatchEngine, AnUrgentAlertOvertakesARoutineBlast) {
  start_daemon(500, 500);
  import_members(3000);
  const std::string routine = create_alert("INFORMATION", "all", "SMS");
  send(routine);
  ASSERT_TRUE(eventually([&] { return line_count(sms_file()) >= 200; }, 30s));
  const std::string urgent = create_alert("BANNER_DROP", "tag:mob-unit", "SMS");
  send(urgent);
  ASSERT_TRUE(wait_sent(urgent, 30s));
  // When the banner drop is done, most of the newsletter is still waiting.
  size_t routine_lines = 0;
  for (const auto& [key, count] : sent_keys(sms_file())) {
    if (key.starts_with(routine + ":")) ++routine_lines;
  }
  std::cout << "[ figures  ] routine messages sent before the urgent alert finished: "
            << routine_lines << " of about 3000\n";
  EXPECT_LT(routine_lines, 2000u);
  EXPECT_EQ(state(routine), "sending");
}

// Issue 19 item 6: a started alert's jobs are queued a slice at a time (job_writer.h). Here
// jobs of one member, one job per call, and one SMS a second (the engine held back), so
// 20,000 jobs take seconds to queue and stay in the queue: a kill -9 lands mid-queuing, the
// restarted daemon's "queue|<id>" item queues the rest, and no member is queued twice.
constexpr const char* kSlowQueuing = " job_size: 1 queue_slice: 1";

// Polls an alert's unqueued jobs until 10 to 90% of `total` are queued (at most 30 s);
// returns how many were left then.
int64_t wait_until_partly_queued(RedisSync& redis, const std::string& id, int64_t total) {
  const std::string unqueued = "alert:{" + id + "}:jobs:unqueued";
  int64_t left = total;
  eventually(
      [&] {
        left = redis.integer({"LLEN", unqueued});
        return left <= total * 9 / 10;
      },
      30s);
  return left;
}

TEST_F(DispatchEngine, KillNineBetweenJobSlicesThenRestartQueuesTheRestOnce) {
  start_daemon(1, 1, "engine-test", kSlowQueuing);
  const auto [id, total] = send_sms_to_all(20000);
  const std::string unqueued = "alert:{" + id + "}:jobs:unqueued";
  ASSERT_GT(total, 10000);
  const int64_t left = wait_until_partly_queued(redis_sync(), id, total);
  ASSERT_GE(left, total / 10) << "queuing ended before the kill: nothing was tested";
  ASSERT_LE(left, total * 9 / 10) << "queuing never started";
  daemon_->process().send_signal(SIGKILL);
  daemon_->process().wait_for_exit(10s);
  const int64_t at_kill = redis_sync().integer({"LLEN", unqueued});
  EXPECT_EQ(alert_field(id, "jobs_queued"), "0");

  // The item falls due 5 s after the start (or its lease ends, should the dead daemon have
  // held it): the restarted daemon queues the rest, still held back.
  start_daemon(1, 1, "engine-test", kSlowQueuing);
  ASSERT_TRUE(eventually([&] { return alert_field(id, "jobs_queued") == "1"; }, 90s))
      << describe(id);
  EXPECT_EQ(redis_sync().integer({"EXISTS", unqueued}), 0);
  const auto queued = queued_members(id);
  int twice = 0;
  for (const auto& [member, times] : queued) twice += times > 1 ? 1 : 0;
  std::cout << "[ figures  ] " << total << " jobs; " << at_kill << " unqueued at the kill; "
            << queued.size() << " members still in the queue once all were queued\n";
  EXPECT_EQ(twice, 0) << "members in two queue entries";

  // Then at full speed: one message per phone, duplicates only from messages in flight.
  daemon_->process().send_signal(SIGKILL);
  daemon_->process().wait_for_exit(10s);
  start_daemon(5000, 5000);
  ASSERT_TRUE(wait_sent(id, 120s)) << describe(id);
  const auto sms = sent_keys(sms_file());
  const auto [mobiles, emails] = distinct_addresses();
  EXPECT_EQ(sms.size(), mobiles) << "every phone reached";
  EXPECT_LE(duplicates(sms), 2 * kMaxInFlight);  // two kills
}

TEST_F(DispatchEngine, KillNineDuringFreezeLeavesTheAlertUnsentAndStagingExpiring) {
  // Ten members per slice: freezing 20,000 takes a few thousand calls.
  start_daemon(1000, 1000, "engine-test", " freeze_slice: 10");
  import_members(20000);
  const std::string id = create_alert("EMERGENCY_ASSEMBLY", "all", "SMS");
  std::thread sender([&] {
    // Its connection is cut by the kill: no answer to check.
    http_request("POST", daemon_->base_url() + "/v1/alerts/" + id + ":send", "", auth());
  });
  std::string staged;
  ASSERT_TRUE(eventually(
      [&] {
        auto found = redis_sync().command({"KEYS", "alert:{" + id + "}:audience:staging:*"});
        if (found.elements.empty()) return false;
        staged = found.elements[0].str;
        return redis_sync().integer({"SCARD", staged}) >= 1000;
      },
      30s));
  daemon_->process().send_signal(SIGKILL);
  daemon_->process().wait_for_exit(10s);
  sender.join();
  ASSERT_LT(redis_sync().integer({"SCARD", staged}), 19000) << "the freeze ended before the kill";
  EXPECT_EQ(state(id), "draft");
  EXPECT_EQ(redis_sync().integer(
                {"EXISTS", "alert:{" + id + "}:audience", "alert:{" + id + "}:jobs:unqueued"}),
            0);
  EXPECT_EQ(redis_sync().integer({"XLEN", "q:send:urgent"}), 0);  // the engine made the stream
  for (const auto& key : redis_sync().command({"KEYS", "alert:{" + id + "}:*staging:*"}).elements) {
    const int64_t ttl = redis_sync().integer({"TTL", key.str});
    EXPECT_GT(ttl, 0) << key.str;
    EXPECT_LE(ttl, 3600) << key.str;
  }
  EXPECT_EQ(line_count(sms_file()), 0u);
}

TEST_F(DispatchEngine, CancelWhileQueuingSendsNothingMoreThanQueued) {
  start_daemon(1, 1, "engine-test", kSlowQueuing);
  const auto [id, total] = send_sms_to_all(20000);
  const std::string unqueued = "alert:{" + id + "}:jobs:unqueued";
  ASSERT_TRUE(eventually(
      [&] {
        return redis_sync().integer({"LLEN", unqueued}) < total * 9 / 10;
      },
      30s));
  auto response =
      http_request("POST", daemon_->base_url() + "/v1/alerts/" + id + ":cancel", "", auth());
  ASSERT_EQ(response.status, 200) << response.body;
  ASSERT_TRUE(eventually([&] { return alert_field(id, "jobs_queued") == "1"; }, 30s))
      << describe(id);
  EXPECT_EQ(redis_sync().integer({"EXISTS", unqueued}), 0);
  const int64_t dropped = std::stoll(alert_field(id, "jobs_dropped"));
  std::this_thread::sleep_for(2s);  // measured, not waited on: lines after the cancel
  const size_t lines = line_count(sms_file());
  std::cout << "[ figures  ] " << total << " jobs; " << dropped << " dropped unqueued; " << lines
            << " messages sent\n";
  EXPECT_GT(dropped, 0);
  EXPECT_LE(static_cast<int64_t>(lines), total - dropped);
  EXPECT_EQ(state(id), "cancelled");
}

// The same from the scheduler: the "send|<id>" item starts the alert at its send_at, the
// daemon dies while its jobs are being queued, and the restarted one queues the rest once.
TEST_F(DispatchEngine, ScheduledSendResumesQueuingAfterKill) {
  start_daemon(1, 1, "engine-test", kSlowQueuing);
  import_members(20000);
  const std::time_t at = std::time(nullptr) + 3;
  char send_at[32];
  std::strftime(send_at, sizeof send_at, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&at));
  const std::string id = create_alert(
      "EMERGENCY_ASSEMBLY", "all", "SMS",
      R"("eventTime":"2030-06-06T07:00:00-04:00","expiresAt":"2030-06-06T06:00:00-04:00",)"
      R"("sendAt":")" +
          std::string(send_at) + R"(",)");
  send(id);
  EXPECT_EQ(state(id), "scheduled");
  ASSERT_TRUE(eventually([&] { return state(id) == "sending"; }, 30s)) << describe(id);
  const int64_t total = std::stoll(alert_field(id, "audience_size"));
  const int64_t left = wait_until_partly_queued(redis_sync(), id, total);
  ASSERT_GE(left, total / 10) << "queuing ended before the kill: nothing was tested";
  ASSERT_LE(left, total * 9 / 10) << "queuing never started";
  daemon_->process().send_signal(SIGKILL);
  daemon_->process().wait_for_exit(10s);

  start_daemon(1, 1, "engine-test", kSlowQueuing);
  ASSERT_TRUE(eventually([&] { return alert_field(id, "jobs_queued") == "1"; }, 90s))
      << describe(id);
  int twice = 0;
  for (const auto& [member, times] : queued_members(id)) twice += times > 1 ? 1 : 0;
  EXPECT_EQ(twice, 0) << "members in two queue entries";
  EXPECT_EQ(alert_field(id, "audience_size"), std::to_string(total));
}

}  // namespace
}  // namespace tocsin
