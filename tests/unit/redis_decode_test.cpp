#include "redis/decode.h"

#include <gtest/gtest.h>

#include <cmath>

namespace tocsin::redis {
namespace {

Reply integer(int64_t value) { return {.type = Reply::Type::integer, .integer = value}; }
Reply string(std::string text) { return {.type = Reply::Type::string, .str = std::move(text)}; }
Reply nil() { return {}; }
Reply error(std::string text) { return {.type = Reply::Type::error, .str = std::move(text)}; }
Reply array(std::vector<Reply> elements) {
  return {.type = Reply::Type::array, .elements = std::move(elements)};
}

TEST(RedisDecode, ReadsScalarsAndNumbersHeldInStrings) {
  EXPECT_EQ(*decode<int64_t>(integer(42)), 42);
  EXPECT_EQ(*decode<int64_t>(string("-7")), -7);
  EXPECT_EQ(*decode<std::string>(string("OUI")), "OUI");
  EXPECT_EQ(*decode<std::string>(Reply{.type = Reply::Type::status, .str = "OK"}), "OK");
  EXPECT_DOUBLE_EQ(*decode<double>(string("1.5")), 1.5);
  EXPECT_TRUE(std::isinf(*decode<double>(string("-inf"))));
  EXPECT_TRUE(*decode<bool>(integer(1)));
  EXPECT_FALSE(*decode<bool>(nil()));  // Lua's `return false`
}

TEST(RedisDecode, RefusesAStringThatIsNotWhollyANumber) {
  std::string why;
  auto read = decode<int64_t>(string("12abc"), &why);
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error(), make_error_code(Errc::unexpected_reply));
  EXPECT_EQ(why, "expected an integer, got a string");
  EXPECT_FALSE(decode<int64_t>(string("")));
  EXPECT_FALSE(decode<double>(string("1.5x")));
}

TEST(RedisDecode, NilIsNulloptOrAnEmptyListAndNotAString) {
  EXPECT_EQ(*decode<std::optional<std::string>>(nil()), std::nullopt);
  EXPECT_EQ(*decode<std::optional<int64_t>>(string("3")), std::optional<int64_t>(3));
  EXPECT_TRUE(decode<std::vector<std::string>>(nil())->empty());
  EXPECT_FALSE(decode<std::string>(nil()));
}

TEST(RedisDecode, AnErrorReplyIsAServerErrorWithRedisText) {
  std::string why;
  auto read = decode<std::string>(error("NOSCRIPT No matching script"), &why);
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error(), make_error_code(Errc::server_error));
  EXPECT_EQ(why, "NOSCRIPT No matching script");
  // Inside an array (a script's or a transaction's), it is a mismatch at that element.
  auto nested = decode<std::vector<std::string>>(array({string("a"), error("ERR boom")}), &why);
  ASSERT_FALSE(nested);
  EXPECT_EQ(why, "element 2: expected no error, got an error (ERR boom)");
}

TEST(RedisDecode, TuplesNeedTheirExactSizeAndSayWhichElementIsWrong) {
  auto row = decode<std::tuple<std::string, int64_t, std::optional<std::string>>>(
      array({string("seated"), integer(2), nil()}));
  ASSERT_TRUE(row);
  auto& [state, bus, hint] = *row;
  EXPECT_EQ(state, "seated");
  EXPECT_EQ(bus, 2);
  EXPECT_EQ(hint, std::nullopt);

  std::string why;
  EXPECT_FALSE((decode<std::tuple<std::string, int64_t>>(array({string("a")}), &why)));
  EXPECT_EQ(why, "expected 2 elements, got 1");
  EXPECT_FALSE((decode<std::tuple<std::string, int64_t>>(array({string("a"), string("b")}), &why)));
  EXPECT_EQ(why, "element 2: expected an integer, got a string");
}

TEST(RedisDecode, RestTakesTheElementsAfterTheFixedOnes) {
  auto row = decode<std::tuple<int64_t, Rest<std::string>>>(
      array({integer(2), string("m1"), string("m2")}));
  ASSERT_TRUE(row);
  EXPECT_EQ(std::get<0>(*row), 2);
  EXPECT_EQ(std::get<1>(*row).values, (std::vector<std::string>{"m1", "m2"}));
  EXPECT_TRUE((decode<std::tuple<int64_t, Rest<std::string>>>(array({integer(0)}))));
  EXPECT_FALSE((decode<std::tuple<int64_t, Rest<std::string>>>(array({}))));
}

TEST(RedisDecode, MapsReadFieldValuePairsAndNestedListsReadElementWise) {
  auto fields = decode<std::map<std::string, int64_t>>(
      array({string("yes"), string("3"), string("no"), integer(1)}));
  ASSERT_TRUE(fields);
  EXPECT_EQ(fields->at("yes"), 3);
  EXPECT_EQ(fields->at("no"), 1);
  EXPECT_FALSE((decode<std::map<std::string, int64_t>>(array({string("odd")}))));

  auto entries = decode<std::vector<std::pair<std::string, std::vector<std::string>>>>(
      array({array({string("1-0"), array({string("member"), string("M1")})})}));
  ASSERT_TRUE(entries);
  EXPECT_EQ((*entries)[0].first, "1-0");
  EXPECT_EQ((*entries)[0].second, (std::vector<std::string>{"member", "M1"}));
}

TEST(RedisDecode, PassesOnAClientErrorAndReadsAPipelineReplyByReply) {
  Result<Reply> lost = make_error_code(Errc::connection_lost);
  EXPECT_EQ(decode<int64_t>(lost).error(), make_error_code(Errc::connection_lost));

  Result<std::vector<Reply>> replies = std::vector<Reply>{integer(1), string("x"), nil()};
  auto each = decode_each<bool, std::string, std::optional<std::string>>(replies);
  ASSERT_TRUE(each);
  EXPECT_TRUE(std::get<0>(*each));
  EXPECT_EQ(std::get<1>(*each), "x");

  std::string why;
  Result<std::vector<Reply>> failed = std::vector<Reply>{integer(1), error("WRONGTYPE x")};
  EXPECT_EQ((decode_each<int64_t, int64_t>(failed, &why).error()),
            make_error_code(Errc::server_error));
  EXPECT_EQ(why, "command 2: WRONGTYPE x");
}

TEST(RedisDecode, ATransactionIsReadFromExecsArray) {
  Reply queued{.type = Reply::Type::status, .str = "QUEUED"};
  Result<std::vector<Reply>> replies = std::vector<Reply>{
      Reply{.type = Reply::Type::status, .str = "OK"}, queued, queued,
      array({integer(1), string("1700000000000-0")})};
  auto exec = decode_exec<int64_t, std::string>(replies);
  ASSERT_TRUE(exec);
  EXPECT_EQ(std::get<0>(*exec), 1);
  Result<std::vector<Reply>> aborted = std::vector<Reply>{
      Reply{.type = Reply::Type::status, .str = "OK"}, error("ERR wrong number of arguments"),
      error("EXECABORT Transaction discarded")};
  EXPECT_EQ((decode_exec<int64_t>(aborted).error()), make_error_code(Errc::server_error));
}

TEST(RedisDecode, ABadReplyBecomesTheCallersErrorAndTheClientsOwnPassesThrough) {
  const auto io_error = std::make_error_code(std::errc::io_error);
  EXPECT_EQ(bad_reply_as(decode<int64_t>(error("ERR wrong type")).error(), io_error), io_error);
  EXPECT_EQ(bad_reply_as(decode<int64_t>(string("many")).error(), io_error), io_error);
  const Result<Reply> no_reply = make_error_code(Errc::connection_lost);
  EXPECT_EQ(bad_reply_as(decode<int64_t>(no_reply).error(), io_error),
            make_error_code(Errc::connection_lost));
}

}  // namespace
}  // namespace tocsin::redis
