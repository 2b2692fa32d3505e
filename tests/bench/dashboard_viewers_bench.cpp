// Issue 7's performance target for the event stream, on a real redis-server and tocsind:
// 500 dashboards connected to GET /v1/alerts/{id}/events while a 150,000-member blast runs
// and replies arrive at 2,000/s through the Twilio inbound webhook:
//   - the blast's send rate drops by less than 10% compared with the same blast and the
//     same replies without viewers;
//   - the p99 time from a reply's webhook POST to the change reaching a viewer is under
//     250 ms.
// The blast goes through a Twilio-shaped server (tests/support/twilio_server.h) with no rate
// limit, so its rate is what the machine can do: whatever the viewers cost shows. Two runs
// in this process, on the same daemon and roster, each a new alert to everyone: without
// viewers, and with VIEWERS viewers connected before the send (nine in ten
// coordinators, one region each, spread over the 17 regions; one in ten executives, who
// see every region). In both runs, while the blast lasts, members who have been sent the
// alert (HRANDFIELD alert:{id}:to) answer "OUI <code>" once each, at 2,000/s (open loop,
// signed requests prepared in batches of 500). Each reply is confirmed to the member by
// SMS through the same gateway, as in production.
//
// Matching a reply to the event that carries it: every member answers "oui" once, so the
// count "<region>|all|yes" of the member's region only rises, by one per reply, in the
// order the reply worker applies them, which is the order the webhook stored them in
// q:replies. The k-th reply of region R (in the order the webhook answered them) is thus
// carried by the first change event a viewer receives in which R|all|yes reaches k; its
// latency is that event's arrival at the viewer minus the time the POST was due (open
// loop: queueing in the client counts too). Requests in flight at once on different
// connections may be stored in another order than they were answered in; for those the
// match can be off by the few milliseconds that separate them. Every viewer that sees R
// gives one sample per reply of R.
//
// It also prints the CPU each process used per message in each run, the events and bytes
// the viewers received, and the reply worker's batches (their mean time, from its metrics).
//
//   dashboard_viewers_bench [MEMBERS=150000] [VIEWERS=500] [REPLIES_PER_SECOND=2000] [ROUNDS=1]
//                           [GATEWAY_RATE=1000000]
//
// GATEWAY_RATE limits the gateway as a provider would (messages/s); the default is no limit.

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "adapters/twilio/twilio_signature.h"
#include "dispatch/dispatch_scripts.h"
#include "dispatch/job_writer.h"
#include "events/publish_script.h"
#include "events/sse_parser.h"
#include "http/json.h"
#include "proto/tocsin.pb.h"
#include "replies/reply_scripts.h"
#include "tests/bench/http_load.h"
#include "tests/bench/process_cpu.h"
#include "tests/support/daemon_process.h"
#include "tests/support/http_client.h"
#include "tests/support/metrics_page.h"
#include "tests/support/redis_server.h"
#include "tests/support/redis_sync.h"
#include "tests/support/synthetic_roster.h"
#include "tests/support/twilio_server.h"
#include "turnout/reach_log.h"
#include "turnout/turnout_scope.h"

namespace {

using namespace tocsin;
using Clock = std::chrono::steady_clock;

constexpr double kTargetDrop = 0.10;
constexpr double kTargetP99Ms = 250;
constexpr size_t kBatch = 500;            // replies prepared and sent at a time
constexpr size_t kReplyConnections = 64;  // spare: an open loop must not queue

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string escaped(const std::string& text) {
  std::unique_ptr<char, decltype(&curl_free)> out(
      curl_easy_escape(nullptr, text.data(), static_cast<int>(text.size())), &curl_free);
  return out.get();
}

// Unix milliseconds of a steady_clock time, to set beside the stream's entry ids.
double unix_ms(Clock::time_point at) {
  static const auto offset =
      std::chrono::system_clock::now().time_since_epoch() - Clock::now().time_since_epoch();
  return std::chrono::duration<double, std::milli>(at.time_since_epoch() + offset).count();
}

double quantile(std::vector<double> values, double q) {
  if (values.empty()) return 0;
  const size_t at = std::min(values.size() - 1, static_cast<size_t>(q * values.size()));
  std::nth_element(values.begin(), values.begin() + static_cast<long>(at), values.end());
  return values[at];
}

// --- the viewers ------------------------------------------------------------------------

// One SSE client: what it received, as the matching needs it.
struct Viewer {
  std::string token;
  std::string region;  // its coordinator's region part; "" for an executive (all regions)
  std::unique_ptr<events::SseParser> parser;
  bool snapshot = false;
  uint64_t changes = 0;
  uint64_t bytes = 0;
  // Each "<region>|all|yes" value a change carried, with the change's arrival.
  struct Yes {
    Clock::time_point at;
    int64_t entry_ms;  // when the entry was written (its id, Redis's clock)
    std::string region;
    int64_t value;
  };
  std::vector<Yes> yes;
};

// Every "<region>|all|yes":N of a change event's data.
void read_yes_fields(const events::SseEvent& event, Clock::time_point at, Viewer& viewer) {
  const std::string& data = event.data;
  const int64_t entry_ms = std::strtoll(event.id.c_str(), nullptr, 10);
  static const std::string kSuffix = "|all|yes\":";
  for (size_t found = data.find(kSuffix); found != std::string::npos;
       found = data.find(kSuffix, found + 1)) {
    const size_t quote = data.rfind('"', found);
    if (quote == std::string::npos) continue;
    viewer.yes.push_back({at, entry_ms, data.substr(quote + 1, found - quote - 1),
                          std::strtoll(data.c_str() + found + kSuffix.size(), nullptr, 10)});
  }
}

// The body of a chunked HTTP/1.1 response, as it arrives: "<hex size>\r\n<data>\r\n"...
class ChunkedDecoder {
 public:
  // Feeds `bytes`; calls `out` with each piece of body. False once the last chunk came.
  template <class Out>
  bool feed(std::string_view bytes, Out out) {
    while (!bytes.empty()) {
      if (left_ > 0) {
        const size_t n = std::min(left_, bytes.size());
        out(bytes.substr(0, n));
        bytes.remove_prefix(n);
        left_ -= n;
        if (left_ == 0) skip_crlf_ = 2;
        continue;
      }
      if (skip_crlf_ > 0) {
        bytes.remove_prefix(1);
        --skip_crlf_;
        continue;
      }
      const size_t newline = bytes.find('\n');
      size_line_.append(bytes.substr(0, newline));
      if (newline == std::string_view::npos) return true;
      bytes.remove_prefix(newline + 1);
      left_ = std::strtoull(size_line_.c_str(), nullptr, 16);
      size_line_.clear();
      if (left_ == 0) return false;
    }
    return true;
  }

 private:
  size_t left_ = 0;    // bytes of the current chunk still to come
  int skip_crlf_ = 0;  // the CRLF after a chunk's data
  std::string size_line_;
};

// All viewers on one thread: plain sockets and epoll (a light client: it shares the
// machine's two cores with the daemon it measures).
class Viewers {
 public:
  Viewers(std::vector<std::unique_ptr<Viewer>> viewers, uint16_t port, const std::string& path)
      : viewers_(std::move(viewers)) {
    epoll_ = epoll_create1(EPOLL_CLOEXEC);
    for (size_t i = 0; i < viewers_.size(); ++i) {
      Viewer* v = viewers_[i].get();
      v->parser = std::make_unique<events::SseParser>([v](events::SseEvent event) {
        if (event.event == "snapshot") v->snapshot = true;
        if (event.event != "change") return;
        ++v->changes;
        read_yes_fields(event, Clock::now(), *v);
      });
      auto connection = std::make_unique<Connection>();
      connection->viewer = v;
      connection->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      sockaddr_in address{};
      address.sin_family = AF_INET;
      address.sin_port = htons(port);
      address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      if (connect(connection->fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        throw std::runtime_error("a viewer cannot connect");
      }
      const std::string request = "GET " + path +
                                  " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                  "Authorization: Bearer " +
                                  v->token + "\r\n\r\n";
      if (send(connection->fd, request.data(), request.size(), MSG_NOSIGNAL) !=
          static_cast<ssize_t>(request.size())) {
        throw std::runtime_error("a viewer cannot send its request");
      }
      epoll_event interest{};
      interest.events = EPOLLIN;
      interest.data.ptr = connection.get();
      epoll_ctl(epoll_, EPOLL_CTL_ADD, connection->fd, &interest);
      connections_.push_back(std::move(connection));
    }
    thread_ = std::thread([this] { loop(); });
  }

  ~Viewers() {
    stop();
    for (auto& connection : connections_) close(connection->fd);
    close(epoll_);
  }

  // Until every viewer has its snapshot; false after `timeout`.
  bool wait_connected(std::chrono::seconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      {
        std::lock_guard lock(mutex_);
        if (std::all_of(viewers_.begin(), viewers_.end(), [](auto& v) { return v->snapshot; })) {
          return true;
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  void stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }

  // After stop().
  const std::vector<std::unique_ptr<Viewer>>& viewers() const { return viewers_; }
  size_t finished_early() const { return finished_early_; }

 private:
  struct Connection {
    Viewer* viewer = nullptr;
    int fd = -1;
    bool in_body = false;
    std::string head;  // the response's status line and headers, until the blank line
    ChunkedDecoder body;
    bool done = false;
  };

  void loop() {
    std::vector<epoll_event> ready(64);
    std::vector<char> buffer(1 << 16);
    while (!stop_) {
      const int n = epoll_wait(epoll_, ready.data(), static_cast<int>(ready.size()), 100);
      std::lock_guard lock(mutex_);
      for (int i = 0; i < n; ++i) {
        auto* connection = static_cast<Connection*>(ready[i].data.ptr);
        const ssize_t got = recv(connection->fd, buffer.data(), buffer.size(), 0);
        if (got <= 0) {
          if (!connection->done) ++finished_early_;  // a stream should not end
          connection->done = true;
          epoll_ctl(epoll_, EPOLL_CTL_DEL, connection->fd, nullptr);
          continue;
        }
        read(*connection, std::string_view(buffer.data(), static_cast<size_t>(got)));
      }
    }
  }

  void read(Connection& connection, std::string_view bytes) {
    Viewer& viewer = *connection.viewer;
    viewer.bytes += bytes.size();
    if (!connection.in_body) {
      connection.head.append(bytes);
      const size_t end = connection.head.find("\r\n\r\n");
      if (end == std::string::npos) return;
      if (!connection.head.starts_with("HTTP/1.1 200")) {
        throw std::runtime_error("a viewer was refused: " + connection.head.substr(0, 40));
      }
      connection.in_body = true;
      const std::string rest = connection.head.substr(end + 4);
      connection.head.clear();
      bytes = {};
      if (!rest.empty()) {
        read_body(connection, rest);
      }
      return;
    }
    read_body(connection, bytes);
  }

  void read_body(Connection& connection, std::string_view bytes) {
    const bool open = connection.body.feed(
        bytes, [&](std::string_view piece) { connection.viewer->parser->feed(piece); });
    if (!open) ++finished_early_;
  }

  std::vector<std::unique_ptr<Viewer>> viewers_;
  std::vector<std::unique_ptr<Connection>> connections_;
  int epoll_ = -1;
  std::mutex mutex_;
  std::atomic<bool> stop_{false};
  size_t finished_early_ = 0;
  std::thread thread_;
};

// --- one reply as sent --------------------------------------------------------------------

struct SentReply {
  std::string region;  // region part
  Clock::time_point due;
  Clock::time_point answered;
  long status = 0;
};

struct CpuTimes {
  double daemon = 0, redis = 0, bench = 0;
  double machine = 0;  // every process on the machine (busy time in /proc/stat)
};

// CPU seconds the whole machine has been busy (user, nice, system, irq, softirq, steal).
double machine_busy_seconds() {
  std::ifstream stat("/proc/stat");
  std::string cpu;
  double user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
  stat >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal;
  return (user + nice + system + irq + softirq + steal) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

struct RunResult {
  int64_t sent = 0;
  double blast_seconds = 0;  // the alert's sending_at_ms to finished_at_ms
  std::vector<SentReply> replies;
  double reply_seconds = 0;
  double seconds = 0;  // the send to the end of the blast, as timed here
  CpuTimes cpu;
  // One region's "<region>|all|yes" as Redis held it, polled every 2 ms: when each reply
  // of that region was counted (to split the latency at the count).
  std::string watched_region;
  std::string stalls;  // LATENCY LATEST over the run
  std::vector<std::pair<Clock::time_point, int64_t>> counted;
  // The time between two entries of the alert's event stream written during the blast
  // (from their ids): the publisher's pace, whatever the viewers do.
  std::vector<double> entry_gaps_ms;
  // The reply worker's batches during the run and their time (its metrics).
  double batches = 0;
  double batch_seconds = 0;
  double rate() const { return blast_seconds > 0 ? sent / blast_seconds : 0; }
};

class Bench {
 public:
  Bench(size_t members, double gateway_rate) : members_(members) {
    testing::TwilioServerOptions twilio_options;
    twilio_options.record_messages = false;  // counts only
    twilio_ = std::make_unique<testing::TwilioServer>(twilio_options);
    daemon_ = std::make_unique<testing::DaemonProcess>(testing::DaemonProcess::Options{
        .redis_url = redis_server_.url(),
        // Viewers and replies all come from 127.0.0.1: no per-address cap.
        .http_fields = "max_connections: 4096 max_connections_per_client: 4096",
        .extra_config = "gateways { name: \"tw\" rate_per_second: " + std::to_string(gateway_rate) +
                        " max_concurrency: 32 twilio { base_url: \"" + twilio_->base_url() +
                        "\" account_sid: \"" + twilio_->account_sid() +
                        "\" auth_token { inline: \"" + twilio_->auth_token() +
                        "\" } from: \"+15145550100\" } }\n"
                        "alerts { approval_threshold: 10000000 }\n"});
    admin_ = daemon_->bootstrap_admin("bench");
    redis_ = std::make_unique<testing::RedisSync>(redis_server_.port());
    // Redis's own stalls over 20 ms (a slow command, a fork for the AOF rewrite), to tell
    // them from the daemon's in the latencies.
    redis_->command({"CONFIG", "SET", "latency-monitor-threshold", "20"});
    redis_->command({"CONFIG", "SET", "slowlog-log-slower-than", "20000"});
    hook_url_ = daemon_->base_url() + "/hooks/twilio/tw/inbound";
    redis_pid_ = bench::child_named("redis-server");

    testing::RosterOptions roster;
    roster.members = members_;
    roster.seed = 7;
    roster.shared_phone_every = 0;  // one number per member
    const auto start = Clock::now();
    auto imported =
        testing::http_request("POST", daemon_->base_url() + "/v1/members:import",
                              testing::make_roster_csv(roster), {auth(), "Content-Type: text/csv"});
    if (imported.status != 200) throw std::runtime_error("import failed: " + imported.body);
    std::set<std::string> regions;
    for (const auto& member : testing::make_roster(roster)) {
      region_of_member_[member.id] = turnout::region_part(member.region);
      regions.insert(member.region);
    }
    regions_.assign(regions.begin(), regions.end());
    std::printf("setup: %zu members imported in %.1f s, %zu regions\n", members_,
                seconds_since(start), regions_.size());
  }

  // VIEWERS tokens: nine in ten coordinators over the regions, one in ten executives.
  std::vector<std::pair<std::string, std::string>> viewer_tokens(size_t count) {
    std::map<std::string, std::string> coordinator_of;
    const std::string executive =
        daemon_->create_token(admin_, R"({"name":"bench executive","role":"executive"})");
    std::vector<std::pair<std::string, std::string>> tokens;  // token, region part
    for (size_t i = 0; i < count; ++i) {
      if (i % 10 == 9) {
        tokens.emplace_back(executive, "");
        continue;
      }
      const std::string& region = regions_[i % regions_.size()];
      auto& token = coordinator_of[region];
      if (token.empty()) {
        token = daemon_->create_token(admin_, R"({"name":"bench coordinator","role":)"
                                              R"("coordinator","regions":[")" +
                                                  region + R"("]})");
      }
      tokens.emplace_back(token, turnout::region_part(region));
    }
    return tokens;
  }

  std::pair<std::string, std::string> create_alert() {
    const std::string alert =
        R"({"kind":"EMERGENCY_ASSEMBLY","title":"Dashboards","eventTime":"2030-06-06T07:00:00-04:00",)"
        R"("expiresAt":"2030-06-06T06:00:00-04:00","place":"Parc","audience":"all",)"
        R"("channels":"SMS","messages":{"fr":{"sms":"{first_name}, assemblée. OUI {code} ou )"
        R"(NON {code}"},"en":{"sms":"{first_name}, assembly. YES {code} or NO {code}"}}})";
    auto created =
        testing::http_request("POST", daemon_->base_url() + "/v1/alerts", alert, {auth()});
    if (created.status != 201) throw std::runtime_error("create failed: " + created.body);
    AlertResponse response;
    std::string error;
    if (!http::from_json(created.body, &response, &error)) throw std::runtime_error(error);
    return {response.alert().id(), response.alert().code()};
  }

  uint16_t port() const { return daemon_->port(); }

  // Sends the alert and, until its blast is over, replies from members it was sent to.
  RunResult run(const std::string& id, const std::string& code, double replies_per_second) {
    RunResult result;
    const std::string key = "alert:{" + id + "}";
    // Every run starts with each number's allowance of automatic answers whole, so each
    // run sends the same confirmations (members answer again in later runs).
    redis_->command({"EVAL",
                     "for _, k in ipairs(redis.call('KEYS', 'reply:auto:*')) do "
                     "redis.call('DEL', k) end",
                     "0"});
    // That scan of every key is the bench's, not the daemon's: out of the run's stalls.
    redis_->command({"LATENCY", "RESET"});
    redis_->command({"SLOWLOG", "RESET"});
    const CpuTimes cpu_before = cpu();
    const double batches_before = metric("tocsin_replies_batches_total");
    const double batch_seconds_before = metric("tocsin_replies_batch_seconds_total");
    auto sent = testing::http_request("POST", daemon_->base_url() + "/v1/alerts/" + id + ":send",
                                      "", {auth()});
    if (sent.status != 202) throw std::runtime_error("send failed: " + sent.body);
    const auto start = Clock::now();
    result.watched_region = turnout::region_part(regions_.front());
    std::atomic<bool> blasting{true};
    std::thread watcher([&] {
      testing::RedisSync own(redis_server_.port());
      const std::vector<std::string> read{"HGET", key + ":tally",
                                          result.watched_region + "|all|yes"};
      int64_t last = 0;
      while (blasting) {
        const int64_t value = std::strtoll(own.text(read).c_str(), nullptr, 10);
        if (value != last) result.counted.emplace_back(Clock::now(), value);
        last = value;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
    });
    std::set<std::string> answered;
    while (redis_->text({"HGET", key, "state"}) != "sent") {
      if (seconds_since(start) > 900) throw std::runtime_error("the blast did not finish");
      // Members the alert went to who have not answered yet.
      auto picked =
          redis_->command({"HRANDFIELD", key + ":to", std::to_string(kBatch * 2), "WITHVALUES"});
      std::vector<bench::PreparedRequest> requests;
      std::vector<std::string> regions;
      for (size_t i = 0; i + 1 < picked.elements.size() && requests.size() < kBatch; i += 2) {
        const std::string& number = picked.elements[i].str;
        if (!answered.insert(number).second) continue;
        regions.push_back(region_of_member_.at(picked.elements[i + 1].str));
        requests.push_back(signed_reply(number, "OUI " + code));
      }
      if (requests.empty()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        continue;
      }
      const auto load = bench::send_all(requests, kReplyConnections, replies_per_second);
      for (size_t i = 0; i < requests.size(); ++i) {
        SentReply reply;
        reply.region = regions[i];
        reply.due = load.started + std::chrono::duration_cast<Clock::duration>(
                                       std::chrono::duration<double>(i / replies_per_second));
        reply.answered =
            reply.due + std::chrono::duration_cast<Clock::duration>(
                            std::chrono::duration<double, std::milli>(load.latencies_ms[i]));
        result.replies.push_back(reply);
      }
      for (const auto& [status, n] : load.statuses) {
        if (status != 200) std::fprintf(stderr, "  %zu replies answered %ld\n", n, status);
      }
    }
    result.reply_seconds = seconds_since(start);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the last replies counted
    blasting = false;
    watcher.join();
    result.stalls = redis_stalls();
    result.sent = redis_->integer({"HGET", key + ":count", "sent"});
    const int64_t sending_ms = std::stoll(redis_->text({"HGET", key, "sending_at_ms"}));
    const int64_t finished_ms = std::stoll(redis_->text({"HGET", key, "finished_at_ms"}));
    result.blast_seconds = (finished_ms - sending_ms) / 1000.0;
    const CpuTimes cpu_after = cpu();
    result.batches = metric("tocsin_replies_batches_total") - batches_before;
    result.batch_seconds = metric("tocsin_replies_batch_seconds_total") - batch_seconds_before;
    result.cpu = {cpu_after.daemon - cpu_before.daemon, cpu_after.redis - cpu_before.redis,
                  cpu_after.bench - cpu_before.bench, cpu_after.machine - cpu_before.machine};
    // Read after the run's CPU times, and forgotten by Redis's stall reports: reading the
    // whole stream takes tens of milliseconds, the bench's own work, not the daemon's.
    result.entry_gaps_ms = entry_gaps(key + ":events", sending_ms, finished_ms);
    redis_->command({"LATENCY", "RESET"});
    redis_->command({"SLOWLOG", "RESET"});
    result.seconds = seconds_since(start);
    wait_caught_up(id);
    return result;
  }

  // Every reply read and applied, and every change written to the event stream.
  void wait_caught_up(const std::string& id) {
    const std::string key = "alert:{" + id + "}";
    const auto start = Clock::now();
    while (redis_->integer({"XLEN", "q:replies"}) > 0 ||
           redis_->text({"GET", key + ":turnout_version"}) !=
               redis_->text({"HGET", key + ":published", "#version"})) {
      if (seconds_since(start) > 120) throw std::runtime_error("the event stream lags behind");
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the viewers read it
  }

  CpuTimes cpu() {
    return {bench::cpu_seconds(daemon_->process().pid()), bench::cpu_seconds(redis_pid_),
            bench::own_cpu_seconds(), machine_busy_seconds()};
  }

  // The event machinery alone, on a sent alert: every 100 ms for `seconds`, `fields`
  // counts of its tally move by one (one script, then INCR turnout_version, as a reply
  // would), with `viewers` connected or none. tocsind's CPU seconds, and the change events
  // the viewers received.
  std::pair<double, uint64_t> fan_out(
      const std::string& id, const std::vector<std::pair<std::string, std::string>>& tokens,
      size_t fields, double seconds) {
    const std::string key = "alert:{" + id + "}";
    std::vector<std::string> names;
    for (const auto& name : redis_->command({"HKEYS", key + ":tally"}).elements) {
      names.push_back(name.str);
    }
    if (names.empty()) throw std::runtime_error("the alert has no tally to move");
    std::unique_ptr<Viewers> viewers;
    if (!tokens.empty()) {
      std::vector<std::unique_ptr<Viewer>> list;
      for (const auto& [token, region] : tokens) {
        auto viewer = std::make_unique<Viewer>();
        viewer->token = token;
        viewer->region = region;
        list.push_back(std::move(viewer));
      }
      viewers = std::make_unique<Viewers>(std::move(list), port(), "/v1/alerts/" + id + "/events");
      if (!viewers->wait_connected(std::chrono::seconds(60))) {
        throw std::runtime_error("not every viewer got its snapshot");
      }
    }
    const std::string script =
        "for i = 1, #ARGV do redis.call('HINCRBY', KEYS[1], ARGV[i], 1) end "
        "return redis.call('INCR', KEYS[2])";
    const double cpu_before = cpu().daemon;
    const auto start = Clock::now();
    for (size_t tick = 0; seconds_since(start) < seconds; ++tick) {
      std::vector<std::string> call{"EVAL", script, "2", key + ":tally", key + ":turnout_version"};
      for (size_t i = 0; i < fields; ++i) call.push_back(names[(tick * fields + i) % names.size()]);
      redis_->command(call);
      std::this_thread::sleep_until(start + std::chrono::milliseconds(100 * (tick + 1)));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the last entry goes out
    const double used = cpu().daemon - cpu_before;
    uint64_t changes = 0;
    if (viewers) {
      viewers->stop();
      for (const auto& viewer : viewers->viewers()) changes += viewer->changes;
    }
    return {used, changes};
  }

  // The daemon's scripts by SHA1, to name them in the slow log.
  static std::string script_name(const std::string& sha) {
    static const std::map<std::string, std::string> names = {
        {dispatch::prepare_script().sha1(), "dispatch prepare"},
        {dispatch::record_script().sha1(), "dispatch record"},
        {dispatch::take_retries_script().sha1(), "dispatch take_retries"},
        {replies::record_replies_script().sha1(), "replies record"},
        {replies::auto_answer_script().sha1(), "replies auto_answer"},
        {turnout::apply_moves_script().sha1(), "turnout apply_moves"},
        {dispatch::send_jobs_script().sha1(), "dispatch send_jobs"},
        {events::publish_turnout_script().sha1(), "events publish"},
    };
    const auto found = names.find(sha);
    return found != names.end() ? found->second : "script " + sha.substr(0, 8);
  }

  // What LATENCY LATEST says since the last call: event, worst ms; and resets it.
  std::string redis_stalls() {
    std::string out;
    for (const auto& event : redis_->command({"LATENCY", "LATEST"}).elements) {
      if (event.elements.size() < 4) continue;
      out += " " + event.elements[0].str + " (max " + std::to_string(event.elements[3].integer) +
             " ms)";
    }
    redis_->command({"LATENCY", "RESET"});
    // Which commands: the slow log's, by name (a script by its first key).
    std::map<std::string, std::pair<int, int64_t>> slow;  // name -> count, worst us
    for (const auto& entry : redis_->command({"SLOWLOG", "GET", "1000"}).elements) {
      if (entry.elements.size() < 4 || entry.elements[3].elements.empty()) continue;
      const auto& argv = entry.elements[3].elements;
      std::string name = argv[0].str;
      if ((name == "EVALSHA" || name == "evalsha") && argv.size() > 1)
        name = script_name(argv[1].str);
      auto& [count, worst] = slow[name.substr(0, 60)];
      ++count;
      worst = std::max(worst, entry.elements[2].integer);
    }
    redis_->command({"SLOWLOG", "RESET"});
    for (const auto& [name, figures] : slow) {
      out += "; " + name + " x" + std::to_string(figures.first) + " (max " +
             std::to_string(figures.second / 1000) + " ms)";
    }
    return out.empty() ? " none" : out;
  }

  // Gaps between consecutive entries of `stream` written between from_ms and to_ms.
  std::vector<double> entry_gaps(const std::string& stream, int64_t from_ms, int64_t to_ms) {
    std::vector<double> gaps;
    int64_t previous = 0;
    const auto entries = redis_->command(
        {"XRANGE", stream, std::to_string(from_ms), std::to_string(to_ms) + "-9999999"});
    for (const auto& entry : entries.elements) {
      if (entry.elements.empty()) continue;
      const int64_t at = std::strtoll(entry.elements[0].str.c_str(), nullptr, 10);
      if (previous > 0) gaps.push_back(static_cast<double>(at - previous));
      previous = at;
    }
    return gaps;
  }

  // A figure of the daemon's /metrics (0 when absent).
  double metric(const std::string& name) {
    return testing::metric_in(testing::http_get(daemon_->base_url() + "/metrics").body, name)
        .value_or(0);
  }

  int64_t stream_length(const std::string& id) {
    return redis_->integer({"XLEN", "alert:{" + id + "}:events"});
  }
  // The alert's raw counts: fields of alert:{id}:reach and alert:{id}:tally.
  std::pair<int64_t, int64_t> counts(const std::string& id) {
    return {redis_->integer({"HLEN", "alert:{" + id + "}:reach"}),
            redis_->integer({"HLEN", "alert:{" + id + "}:tally"})};
  }

 private:
  std::string auth() const { return "Authorization: Bearer " + admin_; }

  bench::PreparedRequest signed_reply(const std::string& number, const std::string& text) {
    const adapters::twilio::FormParams params = {{"MessageSid", "SM" + std::to_string(++sids_)},
                                                 {"AccountSid", twilio_->account_sid()},
                                                 {"From", number},
                                                 {"To", "+15145550100"},
                                                 {"Body", text},
                                                 {"NumSegments", "1"}};
    std::string body;
    for (const auto& [name, value] : params) {
      body += (body.empty() ? "" : "&") + escaped(name) + "=" + escaped(value);
    }
    return bench::PreparedRequest(
        "POST", hook_url_, std::move(body),
        {"Content-Type: application/x-www-form-urlencoded",
         "X-Twilio-Signature: " +
             adapters::twilio::twilio_signature(twilio_->auth_token(), hook_url_, params)});
  }

  const size_t members_;
  testing::RedisServer redis_server_;
  std::unique_ptr<testing::TwilioServer> twilio_;
  std::unique_ptr<testing::DaemonProcess> daemon_;
  std::unique_ptr<testing::RedisSync> redis_;
  std::string admin_;
  pid_t redis_pid_ = -1;
  std::string hook_url_;
  std::map<std::string, std::string> region_of_member_;  // member id -> region part
  std::vector<std::string> regions_;                     // display names
  uint64_t sids_ = 0;
};

void print_run(const char* name, const RunResult& run) {
  size_t ok = 0;
  for (const auto& reply : run.replies) ok += reply.status == 0 || reply.status == 200;
  std::printf(
      "%s: blast of %lld messages in %.2f s = %.0f messages/s; %zu replies in %.1f s = "
      "%.0f/s; CPU per message: tocsind %.1f us, redis-server %.1f us, this process "
      "(Twilio-shaped server, reply client, viewers) %.1f us\n",
      name, static_cast<long long>(run.sent), run.blast_seconds, run.rate(), run.replies.size(),
      run.reply_seconds, run.replies.size() / run.reply_seconds, 1e6 * run.cpu.daemon / run.sent,
      1e6 * run.cpu.redis / run.sent, 1e6 * run.cpu.bench / run.sent);
  // Another program busy on the machine meanwhile makes the run worth nothing: say so.
  // (Loopback traffic handled in softirq context shows there too: ~0.2 of a core.)
  const double others =
      (run.cpu.machine - run.cpu.daemon - run.cpu.redis - run.cpu.bench) / run.seconds;
  std::printf(
      "  cores busy: tocsind %.2f, redis-server %.2f, this process %.2f, everything "
      "else on the machine %.2f%s\n",
      run.cpu.daemon / run.seconds, run.cpu.redis / run.seconds, run.cpu.bench / run.seconds,
      others, others > 0.3 ? "  <- another program was busy: run again on a quiet machine" : "");
  std::printf("  Redis stalls over 20 ms:%s\n", run.stalls.c_str());
  if (run.batches > 0) {
    std::printf(
        "  reply worker: %.0f batches of %.0f replies on average, %.1f ms each on average\n",
        run.batches, run.replies.size() / run.batches, 1e3 * run.batch_seconds / run.batches);
  }
}

// The latency of each reply at each viewer that sees its region (see the top comment).
struct Latencies {
  std::vector<double> ms;
  size_t unmatched = 0;  // (reply, viewer) pairs no event carried
  // The same split at the entry's id (when it was written): webhook to entry (the reply
  // read and applied, coalescing, publishing), and entry to viewer (hub and fan-out).
  std::vector<double> to_entry_ms;
  std::vector<double> to_viewer_ms;
};

Latencies reply_latencies(const std::vector<SentReply>& replies, const Viewers& viewers) {
  // Each region's replies in the order the webhook answered them.
  std::map<std::string, std::vector<const SentReply*>> by_region;
  for (const auto& reply : replies) by_region[reply.region].push_back(&reply);
  for (auto& [region, list] : by_region) {
    std::sort(list.begin(), list.end(),
              [](const SentReply* a, const SentReply* b) { return a->answered < b->answered; });
  }
  Latencies out;
  for (const auto& viewer : viewers.viewers()) {
    // The viewer's events, per region: (arrival, R|all|yes), in arrival order.
    std::map<std::string, std::vector<const Viewer::Yes*>> seen;
    for (const auto& yes : viewer->yes) seen[yes.region].push_back(&yes);
    for (const auto& [region, list] : by_region) {
      if (!viewer->region.empty() && viewer->region != region) continue;
      const auto& events = seen[region];
      size_t at = 0;
      for (size_t k = 0; k < list.size(); ++k) {
        while (at < events.size() && events[at]->value < static_cast<int64_t>(k + 1)) ++at;
        if (at == events.size()) {
          out.unmatched += list.size() - k;
          break;
        }
        out.ms.push_back(
            std::chrono::duration<double, std::milli>(events[at]->at - list[k]->due).count());
        out.to_entry_ms.push_back(static_cast<double>(events[at]->entry_ms) -
                                  unix_ms(list[k]->due));
        out.to_viewer_ms.push_back(unix_ms(events[at]->at) -
                                   static_cast<double>(events[at]->entry_ms));
      }
    }
  }
  return out;
}

// For the watched region: POST -> counted in Redis, and counted -> entry written (as the
// first viewer that sees the region received it).
std::pair<std::vector<double>, std::vector<double>> split_at_count(const RunResult& run,
                                                                   const Viewers& viewers) {
  std::vector<const SentReply*> list;
  for (const auto& reply : run.replies) {
    if (reply.region == run.watched_region) list.push_back(&reply);
  }
  std::sort(list.begin(), list.end(),
            [](const SentReply* a, const SentReply* b) { return a->answered < b->answered; });
  const Viewer* seer = nullptr;
  for (const auto& viewer : viewers.viewers()) {
    if (viewer->region.empty() || viewer->region == run.watched_region) {
      seer = viewer.get();
      break;
    }
  }
  std::vector<const Viewer::Yes*> events;
  for (const auto& yes : seer->yes) {
    if (yes.region == run.watched_region) events.push_back(&yes);
  }
  std::vector<double> to_count, count_to_entry;
  size_t c = 0, e = 0;
  for (size_t k = 0; k < list.size(); ++k) {
    const auto wanted = static_cast<int64_t>(k + 1);
    while (c < run.counted.size() && run.counted[c].second < wanted) ++c;
    while (e < events.size() && events[e]->value < wanted) ++e;
    if (c == run.counted.size() || e == events.size()) break;
    to_count.push_back(
        std::chrono::duration<double, std::milli>(run.counted[c].first - list[k]->due).count());
    count_to_entry.push_back(static_cast<double>(events[e]->entry_ms) -
                             unix_ms(run.counted[c].first));
  }
  return {to_count, count_to_entry};
}

void print_quantiles(const char* what, const std::vector<double>& ms) {
  std::printf("%s p50 %.1f ms, p99 %.1f ms, max %.1f ms", what, quantile(ms, 0.5),
              quantile(ms, 0.99), quantile(ms, 1.0));
}

}  // namespace

int run(int argc, char** argv) {
  const size_t members = argc > 1 ? std::stoul(argv[1]) : 150000;
  const size_t viewer_count = argc > 2 ? std::stoul(argv[2]) : 500;
  const double replies_per_second = argc > 3 ? std::stod(argv[3]) : 2000;
  const int rounds = argc > 4 ? std::stoi(argv[4]) : 1;
  const double gateway_rate = argc > 5 ? std::stod(argv[5]) : 1000000;
  Bench bench(members, gateway_rate);
  std::printf("gateway: one Twilio-shaped server, rate_per_second %.0f%s\n", gateway_rate,
              gateway_rate >= 1000000 ? " (no limit: the blast goes as fast as the machine)" : "");
  const auto tokens = bench.viewer_tokens(viewer_count);

  // Rounds of two runs (machines drift: with ROUNDS > 1 each pair is set side by side).
  double quiet_messages = 0, quiet_seconds = 0, watched_messages = 0, watched_seconds = 0;
  Latencies latencies;
  std::vector<SentReply> all_replies;                  // of the runs with viewers
  std::vector<double> to_count_ms, count_to_entry_ms;  // the watched region's
  size_t ended_early = 0;
  for (int round = 1; round <= rounds; ++round) {
    // Redis holds more with each alert sent: the later run of a round has more to carry.
    // Odd rounds run without viewers first, even rounds with them first.
    const auto run_quiet = [&] {
      const auto [quiet_id, quiet_code] = bench.create_alert();
      RunResult result = bench.run(quiet_id, quiet_code, replies_per_second);
      print_run(("round " + std::to_string(round) + ", no viewers").c_str(), result);
      return result;
    };
    RunResult quiet;
    if (round % 2 == 1) quiet = run_quiet();

    // --- with VIEWERS viewers, connected before the send ----------------------------------
    const auto [id, code] = bench.create_alert();
    std::vector<std::unique_ptr<Viewer>> list;
    for (const auto& [token, region] : tokens) {
      auto viewer = std::make_unique<Viewer>();
      viewer->token = token;
      viewer->region = region;
      list.push_back(std::move(viewer));
    }
    auto viewers =
        std::make_unique<Viewers>(std::move(list), bench.port(), "/v1/alerts/" + id + "/events");
    if (!viewers->wait_connected(std::chrono::seconds(60))) {
      throw std::runtime_error("not every viewer got its snapshot");
    }
    const RunResult watched = bench.run(id, code, replies_per_second);
    viewers->stop();
    print_run(("round " + std::to_string(round) + ", " + std::to_string(viewer_count) + " viewers")
                  .c_str(),
              watched);
    uint64_t changes = 0, bytes = 0;
    for (const auto& viewer : viewers->viewers()) {
      changes += viewer->changes;
      bytes += viewer->bytes;
    }
    const size_t round_ended_early = viewers->finished_early();
    ended_early += round_ended_early;
    all_replies.insert(all_replies.end(), watched.replies.begin(), watched.replies.end());
    const auto [to_count, count_to_entry] = split_at_count(watched, *viewers);
    to_count_ms.insert(to_count_ms.end(), to_count.begin(), to_count.end());
    count_to_entry_ms.insert(count_to_entry_ms.end(), count_to_entry.begin(), count_to_entry.end());
    Latencies round_latencies = reply_latencies(watched.replies, *viewers);
    latencies.ms.insert(latencies.ms.end(), round_latencies.ms.begin(), round_latencies.ms.end());
    latencies.to_entry_ms.insert(latencies.to_entry_ms.end(), round_latencies.to_entry_ms.begin(),
                                 round_latencies.to_entry_ms.end());
    latencies.to_viewer_ms.insert(latencies.to_viewer_ms.end(),
                                  round_latencies.to_viewer_ms.begin(),
                                  round_latencies.to_viewer_ms.end());
    latencies.unmatched += round_latencies.unmatched;
    viewers.reset();  // their connections close before the run without them

    if (round % 2 == 0) quiet = run_quiet();
    const auto [reach_fields, tally_fields] = bench.counts(id);
    std::printf(
        "  viewers: %zu connected, %zu streams ended early; the alert has %lld + %lld "
        "raw counts (reach + tally), %lld entries in its stream; per viewer %.0f change "
        "events and %.0f KiB on average (%.1f MiB/s for all); send rate ratio this "
        "round %.3f; reply -> viewer this round p99 %.1f ms (target < %.0f ms in every "
        "round); between two entries during the blast p50 %.0f ms, p99 %.0f ms, max %.0f ms\n",
        viewer_count, round_ended_early, static_cast<long long>(reach_fields),
        static_cast<long long>(tally_fields), static_cast<long long>(bench.stream_length(id)),
        static_cast<double>(changes) / viewer_count,
        static_cast<double>(bytes) / viewer_count / 1024, bytes / watched.reply_seconds / (1 << 20),
        watched.rate() / quiet.rate(), quantile(round_latencies.ms, 0.99), kTargetP99Ms,
        quantile(watched.entry_gaps_ms, 0.5), quantile(watched.entry_gaps_ms, 0.99),
        quantile(watched.entry_gaps_ms, 1.0));
    quiet_messages += quiet.sent;
    quiet_seconds += quiet.blast_seconds;
    watched_messages += watched.sent;
    watched_seconds += watched.blast_seconds;
  }

  const double quiet_rate = rounds > 0 ? quiet_messages / quiet_seconds : 0;
  const double watched_rate = rounds > 0 ? watched_messages / watched_seconds : 0;
  const double ratio = rounds > 0 ? watched_rate / quiet_rate : 0;
  std::printf(
      "send rate with viewers / without: %.0f / %.0f messages/s = %.3f (drop %.1f%%, "
      "target < %.0f%%)\n",
      watched_rate, quiet_rate, ratio, 100 * (1 - ratio), 100 * kTargetDrop);
  const double p99 = quantile(latencies.ms, 0.99);
  print_quantiles("reply webhook POST -> change at a viewer:", latencies.ms);
  std::printf(" over %zu (reply, viewer) pairs; %zu pairs not matched (target p99 < %.0f ms)\n",
              latencies.ms.size(), latencies.unmatched, kTargetP99Ms);
  std::vector<double> webhook_ms;
  for (const auto& reply : all_replies) {
    webhook_ms.push_back(
        std::chrono::duration<double, std::milli>(reply.answered - reply.due).count());
  }
  print_quantiles("  the webhook's own answer:", webhook_ms);
  print_quantiles(";\n  POST -> entry written:", latencies.to_entry_ms);
  print_quantiles("; entry written -> at the viewer:", latencies.to_viewer_ms);
  std::printf("\n");
  print_quantiles("  one region's replies: POST -> counted in Redis (reply worker):", to_count_ms);
  print_quantiles("; counted -> entry written (publisher):", count_to_entry_ms);
  std::printf("\n");
  // The event machinery alone: what the viewers cost tocsind per event delivered.
  {
    const auto [id, code] = bench.create_alert();
    bench.run(id, code, replies_per_second);
    constexpr size_t kFields = 1000;
    constexpr double kSeconds = 10;
    const auto [alone, none] = bench.fan_out(id, {}, kFields, kSeconds);
    const auto [watched_cpu, delivered] = bench.fan_out(id, tokens, kFields, kSeconds);
    std::printf(
        "fan-out alone (no blast, %zu tally fields moving every 100 ms for %.0f s): "
        "tocsind %.3f cores without viewers, %.3f with %zu; %llu change events "
        "delivered: %.1f us of tocsind per event delivered\n",
        kFields, kSeconds, alone / kSeconds, watched_cpu / kSeconds, viewer_count,
        static_cast<unsigned long long>(delivered),
        delivered > 0 ? 1e6 * (watched_cpu - alone) / static_cast<double>(delivered) : 0.0);
  }
  const bool ok =
      1 - ratio < kTargetDrop && p99 < kTargetP99Ms && latencies.unmatched == 0 && ended_early == 0;
  std::printf("%s\n", ok ? "all targets met" : "NOT MET (see above)");
  return ok ? 0 : 2;
}

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // each line as it is printed, into a file too
  curl_global_init(CURL_GLOBAL_DEFAULT);
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "dashboard_viewers_bench: %s\n", e.what());
    return 1;
  }
}
