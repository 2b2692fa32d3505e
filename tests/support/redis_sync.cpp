#include "tests/support/redis_sync.h"

#include <hiredis/hiredis.h>

#include <stdexcept>

#include "redis/hiredis_reply.h"

namespace tocsin::testing {

RedisSync::RedisSync(uint16_t port) : port_(port) {
  context_ = redisConnect("127.0.0.1", port);
  if (context_ == nullptr || context_->err) {
    std::string why = context_ ? context_->errstr : "out of memory";
    if (context_) redisFree(context_);
    throw std::runtime_error("cannot connect to redis on port " + std::to_string(port) + ": " +
                             why);
  }
}

RedisSync::~RedisSync() {
  if (context_) redisFree(context_);
}

redis::Reply RedisSync::command(const std::vector<std::string>& argv) {
  std::vector<const char*> args;
  std::vector<size_t> lengths;
  for (const auto& arg : argv) {
    args.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  auto* reply = static_cast<redisReply*>(
      redisCommandArgv(context_, static_cast<int>(args.size()), args.data(), lengths.data()));
  if (reply == nullptr) {
    // The server went away (a test restarting it): reconnect once and try again.
    redisFree(context_);
    context_ = redisConnect("127.0.0.1", port_);
    if (context_ == nullptr || context_->err) throw std::runtime_error("redis connection lost");
    reply = static_cast<redisReply*>(
        redisCommandArgv(context_, static_cast<int>(args.size()), args.data(), lengths.data()));
    if (reply == nullptr) throw std::runtime_error("redis connection lost");
  }
  redis::Reply copy = redis::copy_reply(*reply);
  freeReplyObject(reply);
  return copy;
}

namespace {

void append_text(const redis::Reply& reply, bool element, std::string* out) {
  if (reply.type == redis::Reply::Type::array) {
    for (const auto& child : reply.elements) append_text(child, true, out);
    return;
  }
  *out += reply.type == redis::Reply::Type::integer ? std::to_string(reply.integer) : reply.str;
  if (element) *out += '\n';
}

}  // namespace

size_t RedisSync::pipeline(const std::vector<std::vector<std::string>>& commands) {
  std::vector<const char*> args;
  std::vector<size_t> lengths;
  for (const auto& argv : commands) {
    args.clear();
    lengths.clear();
    for (const auto& arg : argv) {
      args.push_back(arg.data());
      lengths.push_back(arg.size());
    }
    if (redisAppendCommandArgv(context_, static_cast<int>(args.size()), args.data(),
                               lengths.data()) != REDIS_OK) {
      throw std::runtime_error("redis pipeline: cannot queue a command");
    }
  }
  for (size_t i = 0; i < commands.size(); ++i) {
    void* reply = nullptr;
    if (redisGetReply(context_, &reply) != REDIS_OK || reply == nullptr) {
      throw std::runtime_error("redis pipeline: connection lost");
    }
    freeReplyObject(reply);
  }
  return commands.size();
}

std::string RedisSync::text(const std::vector<std::string>& argv) {
  std::string out;
  append_text(command(argv), false, &out);
  return out;
}

int64_t RedisSync::integer(const std::vector<std::string>& argv) {
  redis::Reply reply = command(argv);
  if (reply.type == redis::Reply::Type::integer) return reply.integer;
  return reply.str.empty() ? 0 : std::stoll(reply.str);
}

}  // namespace tocsin::testing
