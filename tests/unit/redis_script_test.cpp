#include <gtest/gtest.h>

#include "redis/errors.h"
#include "redis/hiredis_reply.h"
#include "redis/reply.h"
#include "redis/script.h"

namespace tocsin::redis {
namespace {

// The expected ids are what SCRIPT LOAD returns for the same text (SHA1, lowercase hex).
TEST(RedisScript, Sha1MatchesRedis) {
  EXPECT_EQ(Script("return 1").sha1(), "e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
  EXPECT_EQ(Script("").sha1(), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  EXPECT_EQ(Script("return redis.call('GET', KEYS[1])").sha1(),
            "d3c21d0c2b9ca22f82737626a27bcaf5d288f99f");
}

TEST(RedisScript, KeepsSource) {
  Script script("return 2");
  EXPECT_EQ(script.source(), "return 2");
}

TEST(RedisReply, Helpers) {
  Reply nil;
  EXPECT_TRUE(nil.is_nil());
  EXPECT_FALSE(nil.is_error());
  EXPECT_FALSE(nil.is_ok());

  Reply ok{.type = Reply::Type::status, .str = "OK"};
  EXPECT_TRUE(ok.is_ok());
  Reply pong{.type = Reply::Type::status, .str = "PONG"};
  EXPECT_FALSE(pong.is_ok());
  // A bulk string "OK" is data, not a status.
  Reply data{.type = Reply::Type::string, .str = "OK"};
  EXPECT_FALSE(data.is_ok());

  Reply error{.type = Reply::Type::error, .str = "ERR wrong"};
  EXPECT_TRUE(error.is_error());
  EXPECT_FALSE(error.is_nil());
}

TEST(RedisReply, CopiesHiredisReplyBinarySafe) {
  char bytes[] = {'a', '\0', 'b'};
  redisReply str{};
  str.type = REDIS_REPLY_STRING;
  str.str = bytes;
  str.len = sizeof(bytes);
  redisReply number{};
  number.type = REDIS_REPLY_INTEGER;
  number.integer = -42;
  redisReply nil{};
  nil.type = REDIS_REPLY_NIL;
  redisReply* children[] = {&str, &number, &nil};
  redisReply array{};
  array.type = REDIS_REPLY_ARRAY;
  array.elements = 3;
  array.element = children;

  Reply copy = copy_reply(array);
  ASSERT_EQ(copy.type, Reply::Type::array);
  ASSERT_EQ(copy.elements.size(), 3u);
  EXPECT_EQ(copy.elements[0].type, Reply::Type::string);
  EXPECT_EQ(copy.elements[0].str, std::string("a\0b", 3));
  EXPECT_EQ(copy.elements[1].type, Reply::Type::integer);
  EXPECT_EQ(copy.elements[1].integer, -42);
  EXPECT_TRUE(copy.elements[2].is_nil());
}

TEST(RedisReply, CopiesStatusAndError) {
  char ok[] = "OK";
  redisReply status{};
  status.type = REDIS_REPLY_STATUS;
  status.str = ok;
  status.len = 2;
  EXPECT_TRUE(copy_reply(status).is_ok());

  char message[] = "NOSCRIPT No matching script";
  redisReply error{};
  error.type = REDIS_REPLY_ERROR;
  error.str = message;
  error.len = sizeof(message) - 1;
  Reply copy = copy_reply(error);
  EXPECT_TRUE(copy.is_error());
  EXPECT_EQ(copy.str, "NOSCRIPT No matching script");
}

TEST(RedisErrors, CodesHaveTheirOwnCategoryAndMessages) {
  std::error_code ec = Errc::not_connected;
  EXPECT_EQ(ec.category().name(), std::string("redis"));
  EXPECT_EQ(ec, make_error_code(Errc::not_connected));
  EXPECT_NE(ec, make_error_code(Errc::stopped));
  EXPECT_FALSE(ec.message().empty());
  EXPECT_NE(make_error_code(Errc::connection_lost).message(),
            make_error_code(Errc::stopped).message());
}

}  // namespace
}  // namespace tocsin::redis
