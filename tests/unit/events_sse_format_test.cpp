// The event stream's pure parts: stream ids, entries as XRANGE returns them, the SSE
// events' text (scoped change events carry no field of another region), and the
// http.sse_heartbeat_ms config field.

#include <gtest/gtest.h>

#include "config/config.h"
#include "events/sse_format.h"
#include "events/sse_parser.h"
#include "events/turnout_entry.h"
#include "redis/reply.h"
#include "turnout/turnout_scope.h"

namespace tocsin::events {
namespace {

redis::Reply text(std::string value) {
  redis::Reply reply;
  reply.type = redis::Reply::Type::string;
  reply.str = std::move(value);
  return reply;
}

redis::Reply array(std::vector<redis::Reply> elements) {
  redis::Reply reply;
  reply.type = redis::Reply::Type::array;
  reply.elements = std::move(elements);
  return reply;
}

// [id, [field, value, ...]] as XRANGE returns an entry.
redis::Reply raw_entry(std::string id, std::vector<std::pair<std::string, std::string>> fields) {
  std::vector<redis::Reply> pairs;
  for (auto& [name, value] : fields) {
    pairs.push_back(text(name));
    pairs.push_back(text(value));
  }
  return array({text(std::move(id)), array(std::move(pairs))});
}

TEST(EventsStreamId, ParsesAndOrdersLikeRedis) {
  EXPECT_EQ(parse_stream_id("1763831234567-3"), (StreamId{1763831234567, 3}));
  EXPECT_EQ(parse_stream_id("1763831234567"), (StreamId{1763831234567, 0}));
  EXPECT_EQ(parse_stream_id("0-0"), (StreamId{0, 0}));
  EXPECT_LT(*parse_stream_id("5-9"), *parse_stream_id("6-0"));
  EXPECT_LT(*parse_stream_id("5-9"), *parse_stream_id("5-10"));
  for (const char* bad : {"", "-", "1-", "-1", "a-1", "1-2-3", "1 -2", "99999999999999999999-0"}) {
    EXPECT_EQ(parse_stream_id(bad), std::nullopt) << bad;
  }
}

TEST(EventsEntry, ParsesFieldsOnceWithTheirJson) {
  auto entry = parse_entry(raw_entry("1763831234567-1", {{"estrie|all|yes", "13"},
                                                         {"estrie|all|no", "0"},
                                                         {"bad|value|x", "twelve"}}));
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->id, "1763831234567-1");
  EXPECT_EQ(entry->at_ms, 1763831234567);
  ASSERT_EQ(entry->fields.size(), 2u) << "a value that is not a number is dropped";
  EXPECT_EQ(entry->fields[1], (std::pair<std::string, int64_t>{"estrie|all|no", 0}));
  EXPECT_EQ(entry->fields_json, R"({"estrie|all|yes":13,"estrie|all|no":0})");
  EXPECT_FALSE(parse_entry(array({text("1-0")})));
  EXPECT_EQ(to_string(StreamId{1763831234567, 1}), "1763831234567-1");
  EXPECT_FALSE(parse_entry(raw_entry("not-an-id", {})));
}

TEST(EventsEntry, FieldsAreGroupedByRegionAndMalformedNamesDropped) {
  auto entry = parse_entry(raw_entry("3-0", {{"monteregie|all|yes", "4"},
                                             {"estrie|all|yes", "1"},
                                             {"no-bars-at-all", "9"},
                                             {"estrie|local:l-1|no", "2"}}));
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->fields.size(), 3u);
  EXPECT_EQ(entry->fields_json,
            R"({"monteregie|all|yes":4,"estrie|all|yes":1,"estrie|local:l-1|no":2})");
  ASSERT_EQ(entry->by_region.size(), 2u);
  EXPECT_EQ(entry->by_region[0].first, "estrie");
  EXPECT_EQ(*entry->region_members("estrie"), R"("estrie|all|yes":1,"estrie|local:l-1|no":2)");
  EXPECT_EQ(*entry->region_members("monteregie"), R"("monteregie|all|yes":4)");
  EXPECT_EQ(entry->region_members("outaouais"), nullptr);
}

TEST(EventsSse, SnapshotAndStateEvents) {
  EXPECT_EQ(snapshot_event("0-0", R"({"total":{}})"),
            "event: snapshot\nid: 0-0\ndata: {\"total\":{}}\n\n");
  // A line break in the data cannot end the event early: it starts another data line.
  EXPECT_EQ(snapshot_event("1-0", "{\n}"), "event: snapshot\nid: 1-0\ndata: {\ndata: }\n\n");
  EXPECT_EQ(state_event("sent"), "event: state\ndata: {\"state\":\"sent\"}\n\n");
}

TEST(EventsSse, ChangeEventCarriesOnlyFieldsInScope) {
  auto entry = parse_entry(raw_entry(
      "1763831234567-0", {{"estrie|all|yes", "13"}, {"monteregie|all|yes", "4"}, {"-|all|no", "1"}}));
  ASSERT_TRUE(entry);
  EXPECT_EQ(change_event(*entry, turnout::Scope::everything()),
            "event: change\nid: 1763831234567-0\ndata: {\"at_ms\":1763831234567,\"fields\":"
            "{\"estrie|all|yes\":13,\"monteregie|all|yes\":4,\"-|all|no\":1}}\n\n");
  // Two regions: their fields, in region order.
  EXPECT_EQ(change_event(*entry, turnout::Scope::of_regions({"monteregie", "estrie", "-"})),
            "event: change\nid: 1763831234567-0\ndata: {\"at_ms\":1763831234567,\"fields\":"
            "{\"-|all|no\":1,\"estrie|all|yes\":13,\"monteregie|all|yes\":4}}\n\n");
  const auto estrie = change_event(*entry, turnout::Scope::of_regions({"estrie"}));
  ASSERT_TRUE(estrie);
  EXPECT_EQ(*estrie,
            "event: change\nid: 1763831234567-0\ndata: {\"at_ms\":1763831234567,\"fields\":"
            "{\"estrie|all|yes\":13}}\n\n");
  EXPECT_EQ(estrie->find("monteregie"), std::string::npos);
  // Nothing in scope: no event at all.
  EXPECT_EQ(change_event(*entry, turnout::Scope::of_regions({"outaouais"})), std::nullopt);
}

TEST(EventsSse, FieldNamesAreJsonEscaped) {
  auto entry = parse_entry(raw_entry("2-0", {{"a\"b|all|yes", "1"}}));
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->fields_json, R"({"a\"b|all|yes":1})");
}

TEST(EventsSseParser, ReadsWhatTheServerWritesInPiecesOfAnySize) {
  auto entry = parse_entry(raw_entry("7-1", {{"estrie|all|yes", "2"}}));
  ASSERT_TRUE(entry);
  const std::string stream = snapshot_event("7-0", R"({"a":1})") + std::string(kHeartbeat) +
                             *change_event(*entry, turnout::Scope::everything()) +
                             state_event("closed");
  for (size_t piece : {1u, 3u, 7u, 1000u}) {
    std::vector<SseEvent> events;
    SseParser parser([&events](SseEvent event) { events.push_back(std::move(event)); });
    for (size_t at = 0; at < stream.size(); at += piece) parser.feed(stream.substr(at, piece));
    ASSERT_EQ(events.size(), 3u) << piece;
    EXPECT_EQ(events[0].event, "snapshot");
    EXPECT_EQ(events[0].id, "7-0");
    EXPECT_EQ(events[0].data, R"({"a":1})");
    EXPECT_EQ(events[1].event, "change");
    EXPECT_EQ(events[1].id, "7-1");
    EXPECT_EQ(events[1].data, R"({"at_ms":7,"fields":{"estrie|all|yes":2}})");
    EXPECT_EQ(events[2].event, "state");
    EXPECT_EQ(events[2].id, "");
    EXPECT_EQ(parser.comments(), 1u);
    EXPECT_EQ(parser.last_id(), "7-1") << "a state event has no id and keeps the last one";
  }
}

TEST(EventsSseParser, CrLfLinesAndMultiLineData) {
  std::vector<SseEvent> events;
  SseParser parser([&events](SseEvent event) { events.push_back(std::move(event)); });
  parser.feed("data: a\r\ndata:b\r");
  parser.feed("\n\r\nevent: x\n\n: only a comment\n\n");
  ASSERT_EQ(events.size(), 1u) << "an event without data is not dispatched";
  EXPECT_EQ(events[0].event, "message");
  EXPECT_EQ(events[0].data, "a\nb");
}

config::Config with_http(const std::string& fields) {
  auto config = config::parse_text(R"(redis { url: "redis://127.0.0.1:6379" } http { )" +
                                       fields + " }",
                                   "tocsin.conf");
  config::apply_defaults(config);
  return config;
}

TEST(EventsConfig, HeartbeatDefaultsTo15SecondsAndIsValidated) {
  EXPECT_EQ(with_http("").http().sse_heartbeat_ms(), 15000);
  EXPECT_EQ(with_http("sse_heartbeat_ms: 250").http().sse_heartbeat_ms(), 250);
  EXPECT_TRUE(config::validate(with_http("sse_heartbeat_ms: 250")).empty());
  const auto problems = config::validate(with_http("sse_heartbeat_ms: 10"));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_STREQ(problems[0].what(),
               "http.sse_heartbeat_ms: must be between 50 and 600000 (milliseconds), got 10");
}

}  // namespace
}  // namespace tocsin::events
