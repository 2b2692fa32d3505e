#include "redis/command_format.h"

#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include <string>
#include <vector>

namespace tocsin::redis {
namespace {

// What hiredis itself writes for argv: the bytes on the wire must not move.
std::string hiredis_formatted(const std::vector<std::string>& argv) {
  std::vector<const char*> args;
  std::vector<size_t> lengths;
  for (const auto& arg : argv) {
    args.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  char* out = nullptr;
  const long long length =
      redisFormatCommandArgv(&out, static_cast<int>(argv.size()), args.data(), lengths.data());
  std::string text(out, static_cast<size_t>(length));
  redisFreeCommand(out);
  return text;
}

std::string formatted(const std::vector<std::string>& argv) {
  std::string out;
  format_command(argv, &out);
  return out;
}

TEST(RedisCommandFormat, AsRespSaysIt) {
  EXPECT_EQ(formatted({"SET", "k", ""}), "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n");
}

TEST(RedisCommandFormat, AsHiredisFormatsIt) {
  const std::vector<std::vector<std::string>> commands = {
      {"PING"},
      {"EVALSHA", "0123456789abcdef0123456789abcdef01234567", "2", "alert:{a1}", "q:retry", "m1",
       "sms", "+18195550001"},
      {"SET", std::string("bin\0ary\r\n", 9), std::string(12345, 'x')},
      {"HSET", "h", "f", "Geneviève"},
  };
  for (const auto& argv : commands) {
    EXPECT_EQ(formatted(argv), hiredis_formatted(argv)) << argv.front();
  }
}

TEST(RedisCommandFormat, ReplacesWhatTheBufferHeld) {
  std::string out;
  format_command({"SET", "a-long-key-name", "a-long-value"}, &out);
  format_command({"GET", "k"}, &out);
  EXPECT_EQ(out, "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n");
}

}  // namespace
}  // namespace tocsin::redis
