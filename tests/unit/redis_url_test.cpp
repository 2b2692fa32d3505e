#include "redis/url.h"

#include <gtest/gtest.h>

namespace tocsin::redis {
namespace {

Endpoint parse_ok(std::string_view url) {
  std::string error;
  auto endpoint = parse_url(url, &error);
  EXPECT_TRUE(endpoint.has_value()) << url << ": " << error;
  return endpoint.value_or(Endpoint{});
}

std::string parse_error(std::string_view url) {
  std::string error;
  EXPECT_FALSE(parse_url(url, &error).has_value()) << url;
  return error;
}

TEST(RedisUrl, TcpWithPortAndDb) {
  Endpoint e = parse_ok("redis://127.0.0.1:6390/3");
  EXPECT_EQ(e.host, "127.0.0.1");
  EXPECT_EQ(e.port, 6390);
  EXPECT_EQ(e.db, 3);
  EXPECT_FALSE(e.is_unix());
}

TEST(RedisUrl, DefaultsPortAndDb) {
  Endpoint e = parse_ok("redis://localhost");
  EXPECT_EQ(e.port, 6379);
  EXPECT_EQ(e.db, 0);
}

TEST(RedisUrl, PasswordIsDecodedAndNotDescribed) {
  Endpoint e = parse_ok("redis://:s%40cret@127.0.0.1:7000");
  EXPECT_EQ(e.password, "s@cret");
  EXPECT_EQ(e.describe().find("cret"), std::string::npos);
}

TEST(RedisUrl, Ipv6LiteralLosesBrackets) {
  EXPECT_EQ(parse_ok("redis://[::1]:7000").host, "::1");
}

TEST(RedisUrl, UnixSocketWithDb) {
  Endpoint e = parse_ok("unix:///run/redis/redis.sock?db=2");
  EXPECT_TRUE(e.is_unix());
  EXPECT_EQ(e.unix_path, "/run/redis/redis.sock");
  EXPECT_EQ(e.db, 2);
}

TEST(RedisUrl, RejectsWhatItCannotUse) {
  EXPECT_NE(parse_error("http://127.0.0.1:6379").find("redis://"), std::string::npos);
  EXPECT_NE(parse_error("redis://127.0.0.1:70000").find("65535"), std::string::npos);
  EXPECT_NE(parse_error("redis://127.0.0.1:6379/x").find("database"), std::string::npos);
  EXPECT_NE(parse_error("redis://127.0.0.1:6379/16").find("database"), std::string::npos);
  EXPECT_NE(parse_error("unix://relative.sock").find("absolute"), std::string::npos);
  EXPECT_FALSE(parse_error("redis://").empty());
}

}  // namespace
}  // namespace tocsin::redis
