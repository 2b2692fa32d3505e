// GET /v1/alerts/{id}/events end to end (issue 7, contract section 3): a real redis-server
// and tocsind send an alert through the Twilio-shaped server, members answer through the
// signed inbound webhook, and the event stream is read by an SSE client (libcurl):
//   - resume: a client that reconnects with Last-Event-ID gets exactly the entries it
//     missed (those of XRANGE after its id), no snapshot, and ends with /turnout's fields;
//   - coalescing: a burst of 2,000 replies gives far fewer events, the last values equal
//     /turnout's;
//   - heartbeat comments on an idle stream, at the configured interval;
//   - a coordinator's stream carries no field of another region, and another region is 403;
//   - two daemons on one Redis write each change once, and viewers of either see the same;
//   - `tocsin watch` (stdout a pipe) prints the counts as they move.

#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "events/turnout_entry.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "tests/support/alert_scenario.h"
#include "tests/support/http_client.h"
#include "tests/support/sse_client.h"
#include "tests/support/twilio_server.h"
#include "turnout/turnout_scope.h"

namespace tocsin {
namespace {

using namespace std::chrono_literals;
using testing::eventually;
using testing::ReceivedEvent;
using testing::SseClient;
using Fields = std::map<std::string, int64_t>;

std::optional<google::protobuf::Struct> parse_object(const std::string& json) {
  google::protobuf::Struct object;
  if (!google::protobuf::util::JsonStringToMessage(json, &object).ok()) return std::nullopt;
  return object;
}

// The raw fields of an object's "fields" member (a snapshot, a change, a /turnout answer).
Fields fields_of(const std::string& json) {
  Fields fields;
  const auto object = parse_object(json);
  if (!object) return fields;
  const auto it = object->fields().find("fields");
  if (it == object->fields().end()) return fields;
  for (const auto& [name, value] : it->second.struct_value().fields()) {
    fields[name] = static_cast<int64_t>(value.number_value());
  }
  return fields;
}

// The fields after the snapshot and each change event (0 removes a field).
Fields replay(const std::vector<ReceivedEvent>& events) {
  Fields fields;
  for (const auto& received : events) {
    if (received.event.event == "snapshot") fields = fields_of(received.event.data);
    if (received.event.event != "change") continue;
    for (const auto& [name, value] : fields_of(received.event.data)) {
      if (value == 0) {
        fields.erase(name);
      } else {
        fields[name] = value;
      }
    }
  }
  return fields;
}

size_t count_of(const std::vector<ReceivedEvent>& events, const std::string& type) {
  return std::count_if(events.begin(), events.end(),
                       [&](const ReceivedEvent& e) { return e.event.event == type; });
}

class EventsStream : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::RosterOptions roster;
    roster.members = 200;
    members_ = scenario_.import_roster(roster);
    const auto alert = scenario_.send_and_wait(
        testing::alert_json("SMS", R"({"sms":"{first_name}, assemblée. OUI {code} ou NON {code}"})"),
        30s);
    id_ = alert.id;
    std::map<std::string, const testing::RosterMember*> by_id;
    for (const auto& member : members_) by_id[member.id] = &member;
    for (const auto& [number, member] : scenario_.recipients(id_)) {
      numbers_.push_back(number);
      region_of_number_[number] = by_id.at(member)->region;
    }
    // Reach settles once sending is done: wait until the stream has caught up with it.
    ASSERT_TRUE(caught_up(10s));
  }

  std::string events_url(const std::string& query = "") {
    return scenario_.daemon().base_url() + "/v1/alerts/" + id_ + "/events" + query;
  }

  std::unique_ptr<SseClient> connect(const std::string& token, const std::string& last_id = "",
                                     const std::string& query = "") {
    std::vector<std::string> headers{"Authorization: Bearer " + token};
    if (!last_id.empty()) headers.push_back("Last-Event-ID: " + last_id);
    return std::make_unique<SseClient>(events_url(query), headers);
  }

  void reply(const std::string& number, const std::string& text,
             const std::string& daemon_url = "") {
    auto answer = testing::post_twilio_reply(
        daemon_url.empty() ? scenario_.daemon().base_url() : daemon_url, "tw", twilio_, number,
        text, "SM" + std::to_string(++replies_sent_));
    ASSERT_EQ(answer.status, 200) << answer.body;
  }

  // The publisher has written every change the counts went through: the version it last
  // compared is the current one, and the reply queue is empty.
  bool caught_up(std::chrono::milliseconds timeout) {
    auto& redis = scenario_.redis();
    const std::string base = "alert:{" + id_ + "}";
    return eventually(
        [&] {
          return redis.integer({"XLEN", "q:replies"}) == 0 &&
                 redis.text({"GET", base + ":turnout_version"}) ==
                     redis.text({"HGET", base + ":published", "#version"});
        },
        timeout);
  }

  // The ids of the stream's entries after `after`.
  std::vector<std::string> entries_after(const std::string& after) {
    std::vector<std::string> ids;
    auto range = scenario_.redis().command(
        {"XRANGE", "alert:{" + id_ + "}:events", "(" + after, "+"});
    for (const auto& entry : range.elements) ids.push_back(entry.elements[0].str);
    return ids;
  }

  std::string last_entry_id() {
    auto last = scenario_.redis().command({"XREVRANGE", "alert:{" + id_ + "}:events", "+", "-",
                                           "COUNT", "1"});
    return last.elements.empty() ? "0-0" : last.elements[0].elements[0].str;
  }

  Fields turnout_fields(const std::string& token, const std::string& query = "") {
    auto answer = testing::http_get(
        scenario_.daemon().base_url() + "/v1/alerts/" + id_ + "/turnout" + query,
        testing::bearer(token));
    EXPECT_EQ(answer.status, 200) << answer.body;
    return fields_of(answer.body);
  }

  // Waits until `client` has received the event with this id.
  static bool received(const SseClient& client, const std::string& id) {
    return client.wait_for(
        [&](const std::vector<ReceivedEvent>& events) {
          return std::any_of(events.begin(), events.end(),
                             [&](const ReceivedEvent& e) { return e.event.id == id; });
        },
        10s);
  }

  testing::TwilioServer twilio_;
  testing::AlertScenario scenario_{{.gateways = testing::twilio_gateway_config("tw", twilio_, 1000),
                                    .http_fields = "sse_heartbeat_ms: 300"}};
  std::vector<testing::RosterMember> members_;
  std::string id_;
  std::vector<std::string> numbers_;
  std::map<std::string, std::string> region_of_number_;
  int replies_sent_ = 0;
};

TEST_F(EventsStream, ResumeWithLastEventIdGetsExactlyTheMissedChanges) {
  auto first = connect(scenario_.token());
  ASSERT_TRUE(first->wait_for([](const auto& e) { return count_of(e, "snapshot") == 1; }, 10s));
  EXPECT_EQ(first->status(), 200);
  const std::string headers = first->headers();
  EXPECT_NE(headers.find("Content-Type: text/event-stream"), std::string::npos) << headers;
  EXPECT_NE(headers.find("Cache-Control: no-cache"), std::string::npos) << headers;
  EXPECT_NE(headers.find("X-Accel-Buffering: no"), std::string::npos) << headers;
  // The snapshot's alert, like /turnout's, says whether its channel's gateways send receipts.
  for (const auto& received : first->events()) {
    if (received.event.event != "snapshot") continue;
    EXPECT_NE(received.event.data.find(R"("channels":[{"channel":"sms","receipts":true}])"),
              std::string::npos)
        << received.event.data;
  }
  reply(numbers_[0], "oui");
  ASSERT_TRUE(caught_up(10s));
  ASSERT_TRUE(received(*first, last_entry_id()));
  const std::string left_at = first->last_id();
  const Fields seen_before = replay(first->events());
  first->close();

  // While it is away: answers, changed answers.
  for (size_t i = 1; i <= 20; ++i) reply(numbers_[i], i % 3 == 0 ? "non" : "oui");
  reply(numbers_[1], "non");
  ASSERT_TRUE(caught_up(10s));
  const std::vector<std::string> missed = entries_after(left_at);
  ASSERT_FALSE(missed.empty());

  auto second = connect(scenario_.token(), left_at);
  ASSERT_TRUE(received(*second, missed.back()));
  const auto events = second->events();
  EXPECT_EQ(count_of(events, "snapshot"), 0u) << "a resume sends no snapshot";
  std::vector<std::string> ids;
  for (const auto& e : events) {
    if (e.event.event == "change") ids.push_back(e.event.id);
  }
  EXPECT_EQ(ids, missed) << "exactly the entries after Last-Event-ID, each once, in order";

  // What it had, plus what it got, is the turnout now.
  std::vector<ReceivedEvent> all = first->events();
  all.insert(all.end(), events.begin(), events.end());
  EXPECT_EQ(replay(all), turnout_fields(scenario_.token()));
  EXPECT_NE(replay(all), seen_before);
}

TEST_F(EventsStream, AnIdOlderThanTheStreamGetsASnapshot) {
  auto client = connect(scenario_.token(), "1-0");
  ASSERT_TRUE(client->wait_for([](const auto& e) { return count_of(e, "snapshot") == 1; }, 10s));
  const auto events = client->events();
  EXPECT_EQ(events[0].event.id, last_entry_id());
  EXPECT_EQ(fields_of(events[0].event.data), turnout_fields(scenario_.token()));
}

TEST_F(EventsStream, BurstOfRepliesIsCoalescedAndTheLastValuesAreTheTurnout) {
  auto client = connect(scenario_.token());
  ASSERT_TRUE(client->wait_for([](const auto& e) { return count_of(e, "snapshot") == 1; }, 10s));
  // 2,000 replies: every member changes their answer ten times.
  const char* answers[] = {"oui", "non", "peut-être", "OUI BUS", "non merci"};
  constexpr size_t kReplies = 2000;
  for (size_t i = 0; i < kReplies; ++i) {
    reply(numbers_[i % numbers_.size()], answers[(i / numbers_.size() + i) % 5]);
  }
  ASSERT_TRUE(caught_up(30s));
  ASSERT_TRUE(received(*client, last_entry_id()));
  const auto events = client->events();
  const size_t changes = count_of(events, "change");
  EXPECT_GT(changes, 0u);
  EXPECT_LT(changes, kReplies / 10) << "coalesced: at most one event per 100 ms";
  EXPECT_EQ(replay(events), turnout_fields(scenario_.token()));
}

TEST_F(EventsStream, IdleStreamGetsHeartbeats) {
  auto client = connect(scenario_.token());
  ASSERT_TRUE(client->wait_for([](const auto& e) { return count_of(e, "snapshot") == 1; }, 10s));
  const auto started = std::chrono::steady_clock::now();
  ASSERT_TRUE(eventually([&] { return client->heartbeats() >= 4; }, 5s));
  // sse_heartbeat_ms is 300: four take about 1.2 s, not less.
  EXPECT_GE(std::chrono::steady_clock::now() - started, 900ms);
}

TEST_F(EventsStream, CoordinatorStreamCarriesNoFieldOfAnotherRegion) {
  const std::string region = region_of_number_.at(numbers_[0]);
  const std::string part = turnout::region_part(region);
  const std::string coordinator = scenario_.daemon().create_token(
      scenario_.token(),
      R"({"name":"Coord","role":"coordinator","regions":[")" + region + R"("]})");
  std::string other_region;
  for (const auto& [number, r] : region_of_number_) {
    if (r != region) other_region = r;
  }
  ASSERT_FALSE(other_region.empty());
  auto refused = testing::http_get(events_url("?region=" + turnout::region_part(other_region)),
                                   testing::bearer(coordinator));
  EXPECT_EQ(refused.status, 403);
  EXPECT_NE(refused.body.find("\"field\":\"region\""), std::string::npos) << refused.body;
  EXPECT_EQ(testing::http_get(events_url()).status, 401);
  EXPECT_EQ(testing::http_get(scenario_.daemon().base_url() + "/v1/alerts/nosuchalert00000/events",
                              testing::bearer(coordinator))
                .status,
            404);

  auto mine = connect(coordinator);
  auto everything = connect(scenario_.token());
  for (auto* client : {mine.get(), everything.get()}) {
    ASSERT_TRUE(client->wait_for([](const auto& e) { return count_of(e, "snapshot") == 1; }, 10s));
  }
  size_t in_region = 0;
  for (size_t i = 0; i < 60; ++i) {
    reply(numbers_[i], i % 2 ? "oui" : "non");
    if (region_of_number_.at(numbers_[i]) == region) ++in_region;
  }
  ASSERT_GT(in_region, 0u);
  ASSERT_TRUE(caught_up(10s));
  ASSERT_TRUE(received(*everything, last_entry_id()));
  ASSERT_TRUE(eventually([&] { return replay(mine->events()) == turnout_fields(coordinator); }, 5s));
  const auto events = mine->events();
  EXPECT_GT(count_of(events, "change"), 0u);
  // The same changes, cut down to the region.
  auto fields_carried = [](const std::vector<ReceivedEvent>& list) {
    size_t n = 0;
    for (const auto& e : list) {
      if (e.event.event == "change") n += fields_of(e.event.data).size();
    }
    return n;
  };
  EXPECT_LT(fields_carried(events), fields_carried(everything->events()));
  for (const auto& received : events) {
    if (received.event.event != "snapshot" && received.event.event != "change") continue;
    for (const auto& [name, value] : fields_of(received.event.data)) {
      EXPECT_TRUE(name.starts_with(part + "|")) << received.event.event << " carries " << name;
    }
    // Nothing else of another region either (names in the snapshot's groups, pickups...).
    EXPECT_EQ(received.event.data.find(turnout::region_part(other_region) + "|"),
              std::string::npos);
  }
  EXPECT_EQ(replay(events), turnout_fields(coordinator));
}

TEST_F(EventsStream, TwoDaemonsOnOneRedisWriteEachChangeOnce) {
  testing::DaemonProcess other({.redis_url = scenario_.redis_url(),
                                .http_fields = "sse_heartbeat_ms: 300",
                                .extra_config = testing::twilio_gateway_config("tw", twilio_, 1000)});
  ASSERT_TRUE(eventually(
      [&] { return testing::http_get(other.base_url() + "/readyz").status == 200; }, 10s));
  auto here = connect(scenario_.token());
  auto there = std::make_unique<SseClient>(
      other.base_url() + "/v1/alerts/" + id_ + "/events",
      std::vector<std::string>{"Authorization: Bearer " + scenario_.token()});
  for (auto* client : {here.get(), there.get()}) {
    ASSERT_TRUE(client->wait_for([](const auto& e) { return count_of(e, "snapshot") == 1; }, 10s));
  }
  const std::string before = last_entry_id();
  // Replies to both daemons, spaced more than the interval: each its own change.
  for (size_t i = 0; i < 20; ++i) {
    reply(numbers_[i], "oui", i % 2 ? other.base_url() : "");
    std::this_thread::sleep_for(150ms);
  }
  ASSERT_TRUE(caught_up(10s));
  const std::string last = last_entry_id();
  ASSERT_TRUE(received(*here, last));
  ASSERT_TRUE(received(*there, last));

  // A change written twice would show as an entry repeating a field's previous value.
  Fields previous;
  auto range = scenario_.redis().command({"XRANGE", "alert:{" + id_ + "}:events", "(" + before, "+"});
  EXPECT_GE(range.elements.size(), 10u);
  EXPECT_LE(range.elements.size(), 20u);
  for (const auto& raw : range.elements) {
    auto entry = events::parse_entry(raw);
    ASSERT_TRUE(entry);
    for (const auto& [name, value] : entry->fields) {
      EXPECT_NE(previous[name], value) << entry->id << " repeats " << name;
      previous[name] = value;
    }
  }
  // Viewers of either daemon saw the same events.
  auto change_ids = [](const SseClient& client) {
    std::vector<std::string> ids;
    for (const auto& e : client.events()) {
      if (e.event.event == "change") ids.push_back(e.event.id);
    }
    return ids;
  };
  EXPECT_EQ(change_ids(*here), change_ids(*there));
  EXPECT_EQ(replay(there->events()), turnout_fields(scenario_.token()));
}

TEST_F(EventsStream, WatchPrintsTheCountsAsTheyMove) {
  testing::Subprocess watch({.argv = {TOCSIN_CLI_PATH, "watch", id_},
                             .env_set = {{"TOCSIN_URL", scenario_.daemon().base_url()},
                                         {"TOCSIN_TOKEN", scenario_.token()}}});
  // The first block: the snapshot, with its Total row (a pipe: no escape codes).
  ASSERT_TRUE(watch.wait_for_stdout_line(std::regex("^Total "), 10s));
  EXPECT_EQ(watch.stdout_text().find("\x1b["), std::string::npos);
  // The Total row's "yes" column (the sixth number) as it is printed last.
  auto last_total_yes = [&]() -> int {
    std::istringstream lines(watch.stdout_text());
    std::string line;
    int yes = -1;
    while (std::getline(lines, line)) {
      if (!line.starts_with("Total ")) continue;
      std::istringstream columns(line.substr(6));
      int value = 0;
      for (int i = 0; i < 6 && columns >> value; ++i) {
      }
      yes = value;
    }
    return yes;
  };
  EXPECT_EQ(last_total_yes(), 0);
  for (size_t i = 0; i < 3; ++i) reply(numbers_[i], "oui");
  EXPECT_TRUE(eventually([&] { return last_total_yes() == 3; }, 10s)) << watch.stdout_text();
  for (size_t i = 3; i < 8; ++i) reply(numbers_[i], "oui");
  EXPECT_TRUE(eventually([&] { return last_total_yes() == 8; }, 10s)) << watch.stdout_text();
  EXPECT_NE(watch.stdout_text().find("[sent]"), std::string::npos);
}

}  // namespace
}  // namespace tocsin
