#include "tests/support/redis_server.h"

#include <hiredis/hiredis.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <thread>

#include "tests/support/ports.h"

namespace tocsin::testing {
namespace {

// redis-server from PATH, else where Debian installs it.
std::string redis_server_binary() {
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::string dir = dirs.substr(start, end - start);
    if (!dir.empty()) {
      std::string candidate = dir + "/redis-server";
      if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
    start = end + 1;
  }
  return "/usr/bin/redis-server";
}

// One synchronous PING over TCP; true when the server answers PONG (or NOAUTH, which also
// proves it is up and serving; or LOADING, with `loading_counts`).
bool answers_ping(uint16_t port, bool loading_counts) {
  timeval timeout{0, 200'000};
  redisContext* context = redisConnectWithTimeout("127.0.0.1", port, timeout);
  if (context == nullptr) return false;
  bool ok = false;
  if (context->err == 0) {
    redisSetTimeout(context, timeout);
    auto* reply = static_cast<redisReply*>(redisCommand(context, "PING"));
    if (reply != nullptr) {
      std::string text(reply->str != nullptr ? reply->str : "", reply->len);
      ok = (reply->type == REDIS_REPLY_STATUS && text == "PONG") ||
           (reply->type == REDIS_REPLY_ERROR && text.rfind("NOAUTH", 0) == 0) ||
           (loading_counts && reply->type == REDIS_REPLY_ERROR && text.rfind("LOADING", 0) == 0);
      freeReplyObject(reply);
    }
  }
  redisFree(context);
  return ok;
}

}  // namespace

RedisServer::RedisServer(Options options)
    : options_(std::move(options)),
      dir_("tocsin-redis"),
      port_(options_.cluster ? free_cluster_port() : free_tcp_port()) {
  start();
}

RedisServer::~RedisServer() {
  try {
    stop();
  } catch (...) {
    // Subprocess's destructor kills it anyway.
  }
}

void RedisServer::start() {
  if (process_) return;
  Subprocess::Options options;
  options.argv = {redis_server_binary(),
                  "--port",
                  std::to_string(port_),
                  "--bind",
                  "127.0.0.1",
                  "--dir",
                  dir_.path().string(),
                  "--unixsocket",
                  unix_socket_path().string(),
                  "--unixsocketperm",
                  "700",
                  "--appendonly",
                  "yes",
                  "--appendfsync",
                  "everysec",
                  "--save",
                  "",
                  "--daemonize",
                  "no",
                  "--loglevel",
                  "warning"};
  if (!options_.password.empty()) {
    options.argv.push_back("--requirepass");
    options.argv.push_back(options_.password);
  }
  if (options_.cluster) {
    // nodes.conf lands in --dir, so a restart finds the node's identity and slots again.
    for (const char* arg : {"--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf"}) {
      options.argv.push_back(arg);
    }
  }
  options.argv.insert(options.argv.end(), options_.extra_args.begin(), options_.extra_args.end());
  options.argv.insert(options.argv.begin(), options_.prefix.begin(), options_.prefix.end());
  process_ = std::make_unique<Subprocess>(std::move(options));
  wait_until_ready();
}

void RedisServer::wait_until_ready() {
  // Polling with a short sleep is fine here: this is the fixture, not the code under test,
  // and redis-server has no readiness notification we could wait on from a test.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    if (answers_ping(port_, options_.ready_while_loading)) return;
    if (!process_->running()) {
      std::string log = process_->stdout_text() + process_->stderr_text();
      process_.reset();
      throw std::runtime_error("redis-server exited at startup: " + log);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  process_.reset();
  throw std::runtime_error("redis-server did not answer PING within 10 s");
}

void RedisServer::kill() {
  if (!process_) return;
  process_->send_signal(SIGKILL);
  process_->wait_for_exit(std::chrono::seconds(10));
  process_.reset();
}

void RedisServer::stop() {
  if (!process_) return;
  process_->send_signal(SIGTERM);
  if (!process_->wait_for_exit(std::chrono::seconds(10))) {
    process_->send_signal(SIGKILL);
    process_->wait_for_exit(std::chrono::seconds(10));
  }
  process_.reset();
}

pid_t RedisServer::pid() const {
  return process_ ? process_->pid() : -1;
}

std::string RedisServer::url() const {
  return "redis://127.0.0.1:" + std::to_string(port_);
}

std::filesystem::path RedisServer::unix_socket_path() const {
  return dir_.path() / "redis.sock";
}

}  // namespace tocsin::testing
