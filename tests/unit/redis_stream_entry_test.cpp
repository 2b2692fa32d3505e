// Reading stream replies (redis/stream_entry.h) from built replies, in the shapes Redis 7
// sends: XREADGROUP, XAUTOCLAIM, XPENDING, XGROUP CREATE.

#include "redis/stream_entry.h"

#include <gtest/gtest.h>

namespace tocsin::redis {
namespace {

Reply integer(int64_t value) {
  return {.type = Reply::Type::integer, .integer = value};
}
Reply string(std::string text) {
  return {.type = Reply::Type::string, .str = std::move(text)};
}
Reply status(std::string text) {
  return {.type = Reply::Type::status, .str = std::move(text)};
}
Reply nil() {
  return {};
}
Reply error(std::string text) {
  return {.type = Reply::Type::error, .str = std::move(text)};
}
Reply array(std::vector<Reply> elements) {
  return {.type = Reply::Type::array, .elements = std::move(elements)};
}
Reply entry(std::string id, std::vector<std::string> fields) {
  std::vector<Reply> values;
  for (auto& field : fields) values.push_back(string(std::move(field)));
  return array({string(std::move(id)), array(std::move(values))});
}

TEST(RedisStreamEntry, ReadsXreadgroupEntriesAndTheirRepeatedFields) {
  const Reply reply = array(
      {array({string("q:send:urgent"), array({entry("1-0", {"alert", "a1", "m", "7", "m", "9"}),
                                              entry("2-0", {"alert", "a2"})})})});
  auto read = decode_stream_read(reply);
  ASSERT_TRUE(read);
  ASSERT_EQ(read->size(), 2u);
  EXPECT_EQ((*read)[0].id, "1-0");
  EXPECT_EQ((*read)[0].value("alert"), "a1");
  EXPECT_EQ((*read)[0].value("m"), "7");  // the first
  EXPECT_EQ((*read)[0].values("m"), (std::vector<std::string>{"7", "9"}));
  EXPECT_EQ((*read)[1].value("missing"), "");
  EXPECT_TRUE((*read)[1].values("m").empty());
}

TEST(RedisStreamEntry, NothingNewIsNilAndReadsAsNoEntries) {
  auto read = decode_stream_read(nil());
  ASSERT_TRUE(read);
  EXPECT_TRUE(read->empty());
  // Own pending entries, none: the stream with an empty list.
  read = decode_stream_read(array({array({string("q:replies"), array({})})}));
  ASSERT_TRUE(read);
  EXPECT_TRUE(read->empty());
}

TEST(RedisStreamEntry, AnEntryDeletedAfterItWasReadComesWithItsIdAlone) {
  const Reply reply = array({array({string("q:replies"), array({array({string("3-0"), nil()})})})});
  auto read = decode_stream_read(reply);
  ASSERT_TRUE(read);
  ASSERT_EQ(read->size(), 1u);
  EXPECT_EQ((*read)[0].id, "3-0");
  EXPECT_TRUE((*read)[0].deleted());
}

TEST(RedisStreamEntry, AnErrorOrAnotherShapeIsRefusedWithTheReason) {
  std::string why;
  auto read = decode_stream_read(error("NOGROUP No such key 'q:replies' or consumer group"), &why);
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error(), make_error_code(Errc::server_error));
  EXPECT_TRUE(is_no_group(why));
  read = decode_stream_read(array({integer(1)}), &why);
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error(), make_error_code(Errc::unexpected_reply));
  EXPECT_FALSE(is_no_group("ERR wrong number of arguments"));
}

TEST(RedisStreamEntry, ReadsXautoclaimOfRedis7AndOfRedis62) {
  // Redis 7: next cursor, entries, ids deleted meanwhile.
  auto claimed = decode_autoclaim(array(
      {string("5-0"), array({entry("4-0", {"from", "+33600000000"})}), array({string("2-0")})}));
  ASSERT_TRUE(claimed);
  EXPECT_EQ(claimed->next, "5-0");
  ASSERT_EQ(claimed->entries.size(), 1u);
  EXPECT_EQ(claimed->entries[0].value("from"), "+33600000000");
  // Redis 6.2: no third element.
  claimed = decode_autoclaim(array({string("0-0"), array({})}));
  ASSERT_TRUE(claimed);
  EXPECT_EQ(claimed->next, "0-0");
  EXPECT_TRUE(claimed->entries.empty());
  EXPECT_FALSE(decode_autoclaim(array({string("0-0")})));
}

TEST(RedisStreamEntry, ReadsXpendingsExtendedForm) {
  auto pending = decode_pending(
      array({array({string("1-0"), string("daemon-b"), integer(1500), integer(2)})}));
  ASSERT_TRUE(pending);
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].id, "1-0");
  EXPECT_EQ((*pending)[0].consumer, "daemon-b");
  EXPECT_EQ((*pending)[0].idle_ms, 1500);
  EXPECT_EQ((*pending)[0].deliveries, 2);
  pending = decode_pending(array({}));
  ASSERT_TRUE(pending);
  EXPECT_TRUE(pending->empty());
}

TEST(RedisStreamEntry, AGroupThatWasThereAlreadyIsThere) {
  EXPECT_TRUE(group_exists_after_create(status("OK")));
  EXPECT_TRUE(group_exists_after_create(error("BUSYGROUP Consumer Group name already exists")));
  EXPECT_FALSE(group_exists_after_create(
      error("WRONGTYPE Operation against a key holding the wrong kind of value")));
}

}  // namespace
}  // namespace tocsin::redis
