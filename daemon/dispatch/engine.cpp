#include "dispatch/engine.h"

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <chrono>
#include <deque>
#include <map>
#include <random>
#include <set>
#include <unordered_map>

#include "alerts/alert_keys.h"
#include "alerts/rsvp_link.h"
#include "alerts/send_deadline.h"
#include "dispatch/dispatch_keys.h"
#include "dispatch/dispatch_scripts.h"
#include "dispatch/gateway_pool.h"
#include "dispatch/message_renderer.h"
#include "dispatch/receipt_store.h"
#include "dispatch/recorder.h"
#include "dispatch/retry_policy.h"
#include "io/request_executor.h"
#include "log/log.h"
#include "members/member_keys.h"
#include "proto/config.pb.h"
#include "proto/tocsin.pb.h"
#include "redis/client.h"
#include "redis/decode.h"
#include "redis/stream_consumer.h"
#include "schedule/quiet_hours.h"
#include "util/clock.h"
#include "util/wakeup.h"

namespace tocsin::dispatch {

// In this file `keys::` names the engine's keys (dispatch_keys.h) and the alert's
// (alerts/alert_keys.h) alike.
namespace keys {
using namespace alerts::keys;
}  // namespace keys

namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

std::string channels_word(Channel channel) {
  switch (channel) {
    case SMS:
      return "sms";
    case EMAIL:
      return "email";
    case BOTH:
      return "both";
    default:
      return "none";
  }
}

// A job as read from a queue: the alert and its members.
struct QueueEntry {
  std::string queue;
  std::string id;
  std::string alert_id;
  std::vector<std::string> members;
};

// The jobs of entries read or claimed from `queue`; entries deleted meanwhile (no fields)
// are returned with no alert, to be acknowledged.
std::vector<QueueEntry> jobs_of(const std::vector<redis::StreamEntry>& entries,
                                std::string_view queue) {
  std::vector<QueueEntry> jobs;
  jobs.reserve(entries.size());
  for (const redis::StreamEntry& entry : entries) {
    jobs.push_back({std::string(queue), entry.id, entry.value("alert"), entry.values("m")});
  }
  return jobs;
}

// A retry entry of q:retry: "alert|member|channel|attempt". Alert ids and channels hold
// no '|'; a member id might, so it is what lies between the first and the last two.
struct RetryEntry {
  std::string text;
  std::string alert_id;
  std::string member_id;
  std::string channel;
  int attempt = 1;
};

std::optional<RetryEntry> parse_retry(std::string text) {
  const auto first = text.find('|');
  const auto last = text.rfind('|');
  if (first == std::string::npos || last <= first) return std::nullopt;
  const auto middle = text.rfind('|', last - 1);
  if (middle <= first) return std::nullopt;
  RetryEntry entry;
  entry.alert_id = text.substr(0, first);
  entry.member_id = text.substr(first + 1, middle - first - 1);
  entry.channel = text.substr(middle + 1, last - middle - 1);
  entry.attempt = std::atoi(text.c_str() + last + 1);
  if (entry.attempt < 1) return std::nullopt;
  entry.text = std::move(text);
  return entry;
}

std::string retry_text(const std::string& alert, const std::string& member,
                       const std::string& channel, int attempt) {
  return alert + "|" + member + "|" + channel + "|" + std::to_string(attempt);
}

}  // namespace

struct Engine::Impl : std::enable_shared_from_this<Impl> {
  // What the engine keeps of an alert in use.
  struct AlertInfo {
    std::shared_ptr<MessageRenderer> renderer;
    std::string state;
    bool urgent = false;
    int64_t expires_at_ms = 0;  // the send deadline: expiry or event start (send_deadline.h)
    std::string channels;
    // Whose RSVP links its messages carry: its own id, or a child's parent's (a wave's or
    // follow-up's answers count on the alert it follows).
    std::string rsvp_alert_id;
    Clock::time_point last_used;

    bool expired(int64_t now) const { return expires_at_ms > 0 && now >= expires_at_ms; }
  };

  // A queue job being worked on: acknowledged once all its messages are recorded.
  struct Job {
    std::string queue;
    std::string entry_id;
    std::string alert_id;
    int open = 0;
  };

  struct Pending {
    std::shared_ptr<Job> job;  // null for a retry
    std::string retry_entry;   // the q:retry entry it came from, for a retry
    int attempt = 1;
    adapters::OutgoingMessage message;
    // An SMS-only alert's SMS: the member's email, where it goes when the SMS fails
    // permanently (a landline, an invalid number).
    bool email_fallback = false;
    // Set for a message outside any alert (send_direct): sent once, not recorded; this
    // gets the outcome.
    std::function<void(const SendResult&)> on_sent;
    // When the address was last found not opted out (see check_opt_outs), and whether it
    // was found opted out since it was prepared.
    Clock::time_point opt_out_checked{};
    bool opted_out_since = false;
  };

  // Messages ready to send on one channel: direct ones (a few words answering a member,
  // who is waiting for them) first, then urgent alerts', then routine ones.
  struct ReadyQueue {
    explicit ReadyQueue(asio::any_io_executor executor) : wakeup(std::move(executor)) {}
    std::deque<Pending> direct;
    std::deque<Pending> urgent;
    std::deque<Pending> routine;
    Wakeup wakeup;
    size_t size() const { return direct.size() + urgent.size() + routine.size(); }
    bool empty() const { return direct.empty() && urgent.empty() && routine.empty(); }
    std::deque<Pending>& front_queue() {
      if (!direct.empty()) return direct;
      return urgent.empty() ? routine : urgent;
    }
  };

  Impl(asio::any_io_executor ex, redis::Client& r, const config::Config& c,
       const tocsin::Clock& wall, std::vector<std::unique_ptr<adapters::Gateway>> gateways)
      : executor(ex),
        redis(r),
        config(c),
        wall_clock(wall),
        consumer(c.dispatch().consumer_name()),
        requests(ex, client_options(c)),
        recorder(ex, r, std::string(keys::kConsumerGroup)),
        urgent_jobs(r, job_queue_options(c, keys::kUrgentQueue)),
        routine_jobs(r, job_queue_options(c, keys::kRoutineQueue)),
        reader_wakeup(ex),
        stopped(ex),
        watch_tick(ex),
        retry_tick(ex),
        claim_tick(ex),
        rate_tick(ex),
        pool(make_slots(std::move(gateways), c)) {
    redis.load_on_connect(prepare_script());
    redis.load_on_connect(take_retries_script());
    for (const char* channel : {"sms", "email"}) {
      if (!pool.has_channel(channel)) continue;
      double rate = 0;
      for (const auto& slot : pool.slots()) {
        if (slot->gateway->channel() == channel) rate += slot->gateway->rate_per_second();
      }
      // About two seconds of work ahead, so a STOP or a cancel finds little already
      // prepared, and a fast gateway never runs dry.
      const double job_size = c.dispatch().job_size();
      window += static_cast<size_t>(std::clamp(rate * 2, 2 * job_size, 20000.0));
      ready.emplace(channel, std::make_unique<ReadyQueue>(ex));
    }
    recorder.on_written([this](const std::vector<RecordItem>& items) { on_written(items); });
  }

  // Requests in flight are bounded per gateway by its max_concurrency (GatewayPool), so
  // the HTTP client puts no cap of its own on connections; it keeps as many idle ones as
  // the gateways may use at once, so a blast does not reconnect between bursts.
  static io::CurlMultiOptions client_options(const config::Config& config) {
    io::CurlMultiOptions options;  // no per-host cap: max_concurrency is the bound
    long concurrency = 0;
    for (const auto& entry : config.gateways()) concurrency += entry.max_concurrency();
    options.max_cached_connections = std::max(options.max_cached_connections, concurrency);
    return options;
  }

  static redis::StreamConsumerOptions job_queue_options(const config::Config& config,
                                                        std::string_view queue) {
    return {.stream = std::string(queue),
            .group = std::string(keys::kConsumerGroup),
            .consumer = config.dispatch().consumer_name(),
            .claim_batch = 100,
            .claim_idle = milliseconds(config.dispatch().claim_idle_ms())};
  }

  redis::StreamConsumer& jobs_of_queue(std::string_view queue) {
    return queue == keys::kUrgentQueue ? urgent_jobs : routine_jobs;
  }

  static std::vector<std::unique_ptr<GatewaySlot>> make_slots(
      std::vector<std::unique_ptr<adapters::Gateway>> gateways, const config::Config& config) {
    std::vector<std::unique_ptr<GatewaySlot>> slots;
    const auto now = Clock::now();
    for (size_t i = 0; i < gateways.size(); ++i) {
      int concurrency = 16;
      for (const auto& entry : config.gateways()) {
        if (entry.name() == gateways[i]->name()) concurrency = entry.max_concurrency();
      }
      slots.push_back(std::make_unique<GatewaySlot>(std::move(gateways[i]), concurrency, now));
    }
    return slots;
  }

  // --- state ------------------------------------------------------------------------------

  asio::any_io_executor executor;
  redis::Client& redis;
  const config::Config& config;
  // The time of day for expiry and retry due times: the wall clock, or tests' moved one.
  const tocsin::Clock& wall_clock;
  std::string consumer;
  io::RequestExecutor requests;
  Recorder recorder;
  // The two job queues, read through the group "dispatch", urgent first.
  redis::StreamConsumer urgent_jobs;
  redis::StreamConsumer routine_jobs;
  Wakeup reader_wakeup;
  Wakeup stopped;
  // One per periodic loop (a Wakeup has one waiter, or its waiters would wake each other
  // in turn); stop() wakes them all.
  Wakeup watch_tick;
  Wakeup retry_tick;
  Wakeup claim_tick;
  Wakeup rate_tick;
  GatewayPool pool;
  RetryPolicy policy;
  std::mt19937_64 random{std::random_device{}()};
  std::string rsvp_secret;

  std::map<std::string, std::unique_ptr<ReadyQueue>> ready;
  size_t window = 0;
  std::unordered_map<std::string, AlertInfo> alerts;
  std::map<std::string, std::string> held_jobs;  // entry id -> queue, until acknowledged
  bool stopping = false;
  int running_tasks = 0;
  EngineStats stats;

  // --- small helpers ----------------------------------------------------------------------

  size_t ready_total() const {
    size_t total = 0;
    for (const auto& [channel, queue] : ready) total += queue->size();
    return total;
  }

  int64_t now_ms() const { return wall_clock.now_ms(); }

  double uniform() { return std::uniform_real_distribution<double>(0, 1)(random); }

  // A recorded outcome for a message: the job is acknowledged after its last one.
  void complete(const Pending& pending, RecordItem item) {
    recorder.add(std::move(item));
    if (pending.job && --pending.job->open == 0) acknowledge(*pending.job);
  }

  void acknowledge(const Job& job) {
    RecordItem ack;
    ack.op = RecordItem::Op::ack;
    ack.alert_id = job.alert_id;
    ack.member_or_queue = job.queue;
    ack.channel_or_entry = job.entry_id;
    recorder.add(std::move(ack));
  }

  void on_written(const std::vector<RecordItem>& items) {
    for (const RecordItem& item : items) {
      if (item.is_message && stats.in_flight > 0) --stats.in_flight;
      if (item.op == RecordItem::Op::ack) held_jobs.erase(item.channel_or_entry);
    }
    stats.alerts_finished = recorder.alerts_finished();
    // Room in the in-flight window: a pump waiting for it may go on.
    for (auto& [channel, queue] : ready) queue->wakeup.notify();
  }

  static RecordItem result_item(const adapters::OutgoingMessage& message, std::string state,
                                const std::string& entry_to_remove) {
    RecordItem item;
    item.op = RecordItem::Op::result;
    item.alert_id = message.alert_id;
    item.member_or_queue = message.member_id;
    item.channel_or_entry = message.channel;
    item.state_or_due = std::move(state);
    item.entry_to_remove = entry_to_remove;
    return item;
  }

  void count_final(std::string_view state) {
    if (state == keys::delivery_state::kSent) ++stats.sent;
    else if (state.starts_with(keys::delivery_state::kFailed)) ++stats.failed;
    else if (state == keys::delivery_state::kOptedOut) ++stats.opted_out;
    else if (state == keys::delivery_state::kExpired) ++stats.expired;
    else if (state.starts_with(keys::delivery_state::kSkipped)) ++stats.skipped;
  }

  asio::awaitable<void> periodic(Wakeup& tick, Clock::duration period) {
    const auto until = Clock::now() + period;
    while (!stopping && Clock::now() < until) co_await tick.wait(until - Clock::now());
  }

  // --- alerts -----------------------------------------------------------------------------

  asio::awaitable<Result<AlertInfo*>> alert_info(const std::string& id) {
    if (auto found = alerts.find(id); found != alerts.end()) {
      found->second.last_used = Clock::now();
      co_return &found->second;
    }
    redis::Command read{"HMGET",
                        keys::alert(id),
                        std::string(keys::field::kProto),
                        std::string(keys::field::kKind),
                        std::string(keys::field::kState),
                        std::string(keys::field::kExpiresAtMs),
                        std::string(keys::field::kParent)};
    auto reply = co_await redis.exec(std::move(read));
    if (!reply) co_return reply.error();
    using Field = std::optional<std::string>;
    auto fields = redis::decode<std::tuple<Field, Field, Field, Field, Field>>(*reply);
    // An error reply (LOADING while Redis restarts) says nothing about the alert: never
    // take it for "no such alert", which would acknowledge its jobs unsent.
    if (!fields && fields.error() == redis::Errc::server_error) {
      co_return std::make_error_code(std::errc::resource_unavailable_try_again);
    }
    AlertInfo* none = nullptr;
    if (!fields) co_return none;
    auto& [proto, kind, state, expires_at_ms, parent] = *fields;
    Alert alert;
    if (!proto || !alert.ParseFromString(*proto)) co_return none;
    AlertInfo info;
    info.urgent = kind == "urgent";
    info.state = state.value_or("");
    // Nothing is sent after the expiry or once the event has started.
    info.expires_at_ms = alerts::send_deadline_ms(std::atoll(expires_at_ms.value_or("").c_str()),
                                                  alert.event_time());
    info.channels = channels_word(alert.channels());
    info.rsvp_alert_id = parent.value_or(id);
    info.renderer = std::make_shared<MessageRenderer>(std::move(alert), config.time_zone());
    info.last_used = Clock::now();
    co_return &alerts.insert_or_assign(id, std::move(info)).first->second;
  }

  // Reads the state of every alert in use, so a cancel is seen within a quarter second.
  asio::awaitable<void> watch_alerts() {
    while (!stopping) {
      co_await periodic(watch_tick, milliseconds(250));
      log_holds();
      if (alerts.empty()) continue;
      std::vector<std::string> ids;
      std::vector<redis::Command> commands;
      for (const auto& [id, info] : alerts) {
        ids.push_back(id);
        commands.push_back(redis::Command{"HGET", keys::alert(id), std::string(keys::field::kState)});
      }
      auto replies = co_await redis.exec_pipeline(std::move(commands));
      if (!replies) continue;
      const auto now = Clock::now();
      for (size_t i = 0; i < ids.size() && i < replies->size(); ++i) {
        auto found = alerts.find(ids[i]);
        // An error reply (LOADING while Redis restarts) is no news about the state.
        auto read = redis::decode<std::optional<std::string>>((*replies)[i]);
        if (found == alerts.end() || !read) continue;
        const std::string state = read->value_or("");
        if (state != found->second.state && state == keys::state::kCancelled) {
          spdlog::info("event=dispatch_cancel_seen alert={}", ids[i]);
          for (auto& [channel, queue] : ready) queue->wakeup.notify();
        }
        found->second.state = state;
        // Forget finished alerts unused for a minute; they are read again if a job comes.
        if (state != keys::state::kSending && now - found->second.last_used > std::chrono::minutes(1)) {
          alerts.erase(found);
        }
      }
    }
  }

  // --- taking jobs ------------------------------------------------------------------------

  asio::awaitable<bool> load_secret() {
    redis::Command create{"SET", std::string(alerts::kRsvpSecretKey), alerts::new_rsvp_secret(),
                          "NX"};
    auto created = co_await redis.exec(std::move(create));
    if (!created) co_return false;
    redis::Command get{"GET", std::string(alerts::kRsvpSecretKey)};
    auto stored = co_await redis.exec(std::move(get));
    auto secret = redis::decode<std::optional<std::string>>(stored);
    if (!secret || !*secret) co_return false;
    rsvp_secret = std::move(**secret);
    co_return true;
  }

  // Prepares the members of a job (or of due retries) and queues their messages. Returns
  // false when Redis failed: the caller tries again later.
  asio::awaitable<bool> take(const QueueEntry& entry) {
    if (held_jobs.contains(entry.id)) co_return true;  // already ours and in progress
    auto job = std::make_shared<Job>();
    job->queue = entry.queue;
    job->entry_id = entry.id;
    job->alert_id = entry.alert_id;
    if (entry.alert_id.empty()) {  // deleted from the stream meanwhile
      held_jobs.emplace(entry.id, entry.queue);
      acknowledge(*job);
      co_return true;
    }
    held_jobs.emplace(entry.id, entry.queue);
    auto info = co_await alert_info(entry.alert_id);
    if (!info) {
      held_jobs.erase(entry.id);
      co_return false;
    }
    ++stats.jobs_taken;
    AlertInfo* alert = *info;
    if (!alert || alert->state != keys::state::kSending) {
      // Cancelled (or gone): nothing of it is sent any more.
      if (alert) stats.dropped += entry.members.size();
      acknowledge(*job);
      co_return true;
    }
    std::vector<std::string> retry_channels(entry.members.size());
    auto prepared = co_await prepare(*alert, entry.alert_id, entry.members, retry_channels);
    if (!prepared) {
      held_jobs.erase(entry.id);
      co_return false;
    }
    // Held open while its members are queued: one recorded at once (held for quiet hours,
    // failed) must not acknowledge the job before the rest are queued.
    ++job->open;
    for (size_t i = 0; i < prepared->size(); ++i) {
      queue_member(*alert, (*prepared)[i], job, nullptr);
    }
    if (--job->open == 0) acknowledge(*job);
    co_return true;
  }

  struct Prepared {
    std::string member_id;
    std::string bytes;
    std::string codes[2];  // sms, email
    std::string addresses[2];
    std::string tag;
  };

  asio::awaitable<std::optional<std::vector<Prepared>>> prepare(
      const AlertInfo& alert, const std::string& alert_id, const std::vector<std::string>& members,
      const std::vector<std::string>& retry_channels) {
    std::vector<std::string> args{alert.expired(now_ms()) ? "expire" : "send", alert.channels};
    std::vector<std::string> tags;
    tags.reserve(members.size());
    for (size_t i = 0; i < members.size(); ++i) {
      tags.push_back(alerts::rsvp_tag(rsvp_secret, alert.rsvp_alert_id, members[i]));
      args.push_back(members[i]);
      args.push_back(tags.back());
      args.push_back(retry_channels[i]);
    }
    auto reply = co_await redis.eval(
        prepare_script(), prepare_keys(alert_id, alert.rsvp_alert_id, members), std::move(args));
    // Per member: id, Member bytes, sms code, email code, mobile, email (prepare.lua).
    using Row = std::tuple<std::string, std::string, std::string, std::string, std::string,
                           std::string>;
    std::string why;
    auto rows = redis::decode<std::vector<Row>>(reply, &why);
    if (!rows) {
      spdlog::warn("event=dispatch_prepare_failed alert={} error={}", alert_id, log::quote(why));
      co_return std::nullopt;
    }
    std::vector<Prepared> out;
    out.reserve(rows->size());
    for (size_t i = 0; i < rows->size(); ++i) {
      Prepared p;
      std::tie(p.member_id, p.bytes, p.codes[0], p.codes[1], p.addresses[0], p.addresses[1]) =
          std::move((*rows)[i]);
      p.tag = i < tags.size() ? tags[i] : std::string();
      out.push_back(std::move(p));
    }
    co_return out;
  }

  // Turns one prepared member into messages on the ready queues. For a retry, `retry` is
  // its entry and only its channel is considered.
  void queue_member(const AlertInfo& alert, const Prepared& prepared,
                    const std::shared_ptr<Job>& job, const RetryEntry* retry) {
    Member member;
    const bool has_member = !prepared.bytes.empty() && member.ParseFromString(prepared.bytes);
    static const char* const kChannels[2] = {"sms", "email"};
    for (int c = 0; c < 2; ++c) {
      const std::string& code = prepared.codes[c];
      if (code == "none") continue;
      if (code == "done") {
        if (retry) forget_retry(*retry);
        continue;
      }
      if (code == "send" && !has_member) {
        // Claimed, but the stored record does not parse: fail it visibly, never silently.
        adapters::OutgoingMessage message;
        message.alert_id = alert.renderer->alert().id();
        message.member_id = prepared.member_id;
        message.channel = kChannels[c];
        count_final("failed");
        Pending failed;
        failed.job = job;
        if (job) ++job->open;
        complete(failed, result_item(message, "failed:unreadable member record",
                                     retry ? retry->text : std::string()));
        continue;
      }
      if (code == "send") {
        if (const auto until = quiet_until(alert, c)) {
          hold(alert, prepared.member_id, kChannels[c], *until, job, retry);
          continue;
        }
      }
      if (code != "send") {
        // A final state: written already for a job; to be written for a retry, which
        // leaves q:retry only through the record step.
        count_final(code);
        if (retry) {
          adapters::OutgoingMessage message;
          message.alert_id = retry->alert_id;
          message.member_id = retry->member_id;
          message.channel = retry->channel;
          recorder.add(result_item(message, code, retry->text));
        }
        continue;
      }
      const std::string link =
          alerts::rsvp_link(config.http().public_url(), alert.renderer->alert().code(),
                            prepared.tag);
      Pending pending;
      pending.job = job;
      pending.message = alert.renderer->render(member, kChannels[c], prepared.addresses[c], link);
      pending.email_fallback = c == 0 && alert.channels == "sms" && !prepared.addresses[1].empty();
      if (retry) {
        pending.retry_entry = retry->text;
        pending.attempt = retry->attempt;
      }
      auto queue = ready.find(kChannels[c]);
      if (queue == ready.end()) {
        // No gateway for this channel: a configuration problem, reported per message so
        // the turnout shows it rather than a blast that never ends.
        count_final("failed");
        if (job) ++job->open;
        complete(pending, result_item(pending.message,
                                      std::string("failed:no ") + kChannels[c] +
                                          " gateway configured",
                                      pending.retry_entry));
        continue;
      }
      if (job) ++job->open;
      (alert.urgent ? queue->second->urgent : queue->second->routine).push_back(std::move(pending));
      queue->second->wakeup.notify();
    }
  }

  // --- quiet hours (config alerts.quiet_hours) --------------------------------------------

  struct QuietRule {
    schedule::QuietWindow window;
    std::set<int> kinds;
    bool channel[2] = {false, false};  // sms, email
  };

  static std::vector<QuietRule> quiet_rules_of(const config::Config& config) {
    std::vector<QuietRule> rules;
    for (const auto& entry : config.alerts().quiet_hours()) {
      QuietRule rule;
      // Validated at load (config/check_quiet_hours.cpp); an unparsable clock, never
      // expected here, leaves an empty window rather than holding everything.
      rule.window.start_minute = schedule::parse_clock(entry.start()).value_or(0);
      rule.window.end_minute = schedule::parse_clock(entry.end()).value_or(0);
      rule.kinds.insert(entry.kinds().begin(), entry.kinds().end());
      rule.channel[0] = entry.channels() == SMS || entry.channels() == BOTH;
      rule.channel[1] = entry.channels() == EMAIL || entry.channels() == BOTH;
      rules.push_back(std::move(rule));
    }
    return rules;
  }

  const std::vector<QuietRule> quiet_rules = quiet_rules_of(config);
  // Each rule's held_until at the start of the current second of the engine's clock: the
  // local time is read once a second, not once per message (windows move by whole minutes).
  int64_t quiet_second = -1;
  std::vector<std::optional<int64_t>> quiet_ends;

  // Holds counted per alert and window end, logged once the alert's holds pause.
  struct HoldCount {
    uint64_t held = 0;
    uint64_t logged = 0;
    Clock::time_point last;
  };
  std::map<std::pair<std::string, int64_t>, HoldCount> hold_counts;

  // When a message of `alert` on channel index `c` may go, if a quiet window holds it now.
  std::optional<int64_t> quiet_until(const AlertInfo& alert, int c) {
    if (quiet_rules.empty()) return std::nullopt;
    const Alert& stored = alert.renderer->alert();
    // The emergency kinds go through only when the alert says so (alert_validation.cpp
    // refuses the flag on other kinds; an older record is checked here all the same).
    if (stored.ignore_quiet_hours() &&
        (stored.kind() == SPECIAL_LAW_THREAT || stored.kind() == EMERGENCY_ASSEMBLY)) {
      return std::nullopt;
    }
    const int64_t now = now_ms();
    if (now / 1000 != quiet_second) {
      quiet_second = now / 1000;
      quiet_ends.assign(quiet_rules.size(), std::nullopt);
      const std::chrono::system_clock::time_point at{milliseconds(now)};
      for (size_t i = 0; i < quiet_rules.size(); ++i) {
        if (auto end = schedule::held_until(quiet_rules[i].window, at, config.time_zone())) {
          quiet_ends[i] =
              std::chrono::duration_cast<milliseconds>(end->time_since_epoch()).count();
        }
      }
    }
    std::optional<int64_t> until;
    for (size_t i = 0; i < quiet_rules.size(); ++i) {
      const QuietRule& rule = quiet_rules[i];
      if (!quiet_ends[i] || !rule.channel[c] || !rule.kinds.contains(stored.kind())) continue;
      // Overlapping windows: wait for the last to end rather than wake up in between.
      if (!until || *quiet_ends[i] > *until) until = quiet_ends[i];
    }
    return until;
  }

  // A message in quiet hours: recorded as a retry due when the window ends, with the same
  // attempt number (holding is no failed attempt), so the retry path prepares it again
  // then. The member's state is "retrying" and the alert counts it in retries_pending, so
  // it is not `sent` while messages wait. When the window outlasts the send deadline, the
  // message is expired at once instead.
  void hold(const AlertInfo& alert, const std::string& member_id, const char* channel,
            int64_t until, const std::shared_ptr<Job>& job, const RetryEntry* retry) {
    adapters::OutgoingMessage message;
    message.alert_id = alert.renderer->alert().id();
    message.member_id = member_id;
    message.channel = channel;
    Pending pending;
    pending.job = job;
    if (job) ++job->open;
    const std::string from = retry ? retry->text : std::string();
    if (alert.expires_at_ms > 0 && until >= alert.expires_at_ms) {
      count_final(keys::delivery_state::kExpired);
      complete(pending, result_item(message, std::string(keys::delivery_state::kExpired), from));
      return;
    }
    RecordItem item;
    item.op = RecordItem::Op::retry;
    item.alert_id = message.alert_id;
    item.member_or_queue = member_id;
    item.channel_or_entry = channel;
    item.state_or_due = std::to_string(until);
    item.entry_to_add = retry_text(message.alert_id, member_id, channel, retry ? retry->attempt : 1);
    item.entry_to_remove = from;
    ++stats.held;
    complete(pending, std::move(item));
    HoldCount& count = hold_counts[{message.alert_id, until}];
    ++count.held;
    count.last = Clock::now();
  }

  // One line per alert and window, once no message of it was held for a second (a blast
  // holds its members within moments of each other): not a line per member.
  void log_holds() {
    const auto now = Clock::now();
    for (auto it = hold_counts.begin(); it != hold_counts.end();) {
      HoldCount& count = it->second;
      if (count.held > count.logged && now - count.last >= std::chrono::seconds(1)) {
        spdlog::info("event=dispatch_quiet_hours_hold alert={} held={} until={}", it->first.first,
                     count.held - count.logged, it->first.second);
        count.logged = count.held;
      }
      // Forgotten an hour after its last hold.
      if (count.held == count.logged && now - count.last > std::chrono::hours(1)) {
        it = hold_counts.erase(it);
      } else {
        ++it;
      }
    }
  }

  void forget_retry(const RetryEntry& retry) {
    adapters::OutgoingMessage message;
    message.alert_id = retry.alert_id;
    message.member_id = retry.member_id;
    message.channel = retry.channel;
    // The member already has a final state: the record step only removes the entry.
    recorder.add(result_item(message, "skipped:settled", retry.text));
  }

  // Reads jobs of one queue, non-blocking (the connection is shared, so it must never
  // block): our own pending ones first (from "0", page after page), then new ones. An
  // error reply (NOGROUP after a FLUSHALL or a Redis that lost its data: the consumer
  // makes the group again) reads as no jobs.
  asio::awaitable<Result<std::vector<QueueEntry>>> read_queue(redis::StreamConsumer& queue,
                                                              int count) {
    std::string why;
    auto entries = co_await queue.read(count, &why);
    if (!entries) {
      if (entries.error() != redis::Errc::server_error &&
          entries.error() != redis::Errc::unexpected_reply) {
        co_return entries.error();
      }
      spdlog::warn("event=dispatch_read_failed queue={} error={}", queue.options().stream,
                   log::quote(why));
      co_return std::vector<QueueEntry>{};
    }
    co_return jobs_of(*entries, queue.options().stream);
  }

  // Jobs this consumer held when it last stopped (a crash, a kill -9): taken back first.
  asio::awaitable<bool> recover_own_jobs() {
    for (redis::StreamConsumer* queue : {&urgent_jobs, &routine_jobs}) {
      while (queue->state().reading_pending()) {
        auto entries = co_await read_queue(*queue, 100);
        if (!entries) co_return false;
        if (entries->empty()) break;  // none left, or an error reply (logged)
        for (const QueueEntry& entry : *entries) {
          while (!co_await take(entry)) {
            if (stopping) co_return false;
            co_await reader_wakeup.wait(milliseconds(200));
          }
        }
      }
    }
    if (!held_jobs.empty()) spdlog::info("event=dispatch_recovered jobs={}", held_jobs.size());
    co_return true;
  }

  asio::awaitable<void> read_jobs() {
    while (!stopping && !co_await load_secret()) co_await reader_wakeup.wait(milliseconds(200));
    while (!stopping && !co_await recover_own_jobs()) {
      co_await reader_wakeup.wait(milliseconds(200));
    }
    const int job_size = config.dispatch().job_size();
    while (!stopping) {
      const size_t queued = ready_total();
      if (queued >= window) {
        co_await reader_wakeup.wait(milliseconds(50));
        continue;
      }
      const int count = static_cast<int>(std::clamp<size_t>((window - queued) / job_size, 1, 20));
      bool got_any = false;
      bool failed = false;
      // Urgent first: routine jobs are read only when no urgent job is waiting.
      for (redis::StreamConsumer* queue : {&urgent_jobs, &routine_jobs}) {
        auto entries = co_await read_queue(*queue, count);
        if (!entries) {
          failed = true;
          break;
        }
        for (const QueueEntry& entry : *entries) {
          while (!stopping && !co_await take(entry)) co_await reader_wakeup.wait(milliseconds(200));
        }
        if (!entries->empty()) {
          got_any = true;
          break;  // read the urgent queue again before any more routine jobs
        }
      }
      if (failed) {
        co_await reader_wakeup.wait(milliseconds(200));
      } else if (!got_any) {
        // Another daemon's send is seen within this; our own wakes us at once.
        co_await reader_wakeup.wait(milliseconds(50));
      }
    }
  }

  // --- retries ----------------------------------------------------------------------------

  asio::awaitable<void> take_retries() {
    const int64_t lease = config.dispatch().claim_idle_ms();
    while (!stopping) {
      co_await periodic(retry_tick, milliseconds(250));
      const size_t queued = ready_total();
      if (queued >= window || rsvp_secret.empty()) continue;
      std::vector<std::string> retry_keys{std::string(keys::kRetryQueue)};
      std::vector<std::string> args{std::to_string(now_ms()), std::to_string(lease),
                                    std::to_string(std::min<size_t>(window - queued, 500))};
      auto reply =
          co_await redis.eval(take_retries_script(), std::move(retry_keys), std::move(args));
      auto due = redis::decode<std::vector<std::string>>(reply);
      if (!due || due->empty()) continue;
      std::map<std::string, std::vector<RetryEntry>> by_alert;
      for (std::string& text : *due) {
        if (auto entry = parse_retry(std::move(text))) by_alert[entry->alert_id].push_back(*entry);
      }
      for (auto& [alert_id, entries] : by_alert) co_await retry(alert_id, entries);
    }
  }

  asio::awaitable<void> retry(const std::string& alert_id, const std::vector<RetryEntry>& entries) {
    auto info = co_await alert_info(alert_id);
    if (!info) co_return;  // the lease runs out and they come back
    AlertInfo* alert = *info;
    if (!alert || alert->state != keys::state::kSending) {
      for (const RetryEntry& entry : entries) {
        RecordItem item;
        item.op = RecordItem::Op::cancel_retry;
        item.alert_id = entry.alert_id;
        item.member_or_queue = entry.member_id;
        item.channel_or_entry = entry.channel;
        item.entry_to_remove = entry.text;
        recorder.add(std::move(item));
        ++stats.dropped;
      }
      co_return;
    }
    std::vector<std::string> members;
    std::vector<std::string> channels;
    for (const RetryEntry& entry : entries) {
      members.push_back(entry.member_id);
      channels.push_back(entry.channel);
    }
    auto prepared = co_await prepare(*alert, alert_id, members, channels);
    if (!prepared) co_return;
    for (size_t i = 0; i < prepared->size() && i < entries.size(); ++i) {
      queue_member(*alert, (*prepared)[i], nullptr, &entries[i]);
    }
  }

  // --- sending ----------------------------------------------------------------------------

  asio::awaitable<void> pump(std::string channel) {
    ReadyQueue& queue = *ready.at(channel);
    const uint64_t max_in_flight = static_cast<uint64_t>(config.dispatch().max_in_flight());
    unsigned since_yield = 0;
    while (!stopping) {
      if (queue.empty()) {
        co_await queue.wakeup.wait(std::chrono::seconds(1));
        continue;
      }
      if (stats.in_flight >= max_in_flight) {
        co_await queue.wakeup.wait(std::chrono::seconds(1));
        continue;
      }
      auto& lane = queue.front_queue();
      Pending& next = lane.front();
      const auto alert = alerts.find(next.message.alert_id);
      if (next.on_sent) {
        // Direct: no alert to check.
      } else if (alert == alerts.end() || alert->second.state != keys::state::kSending) {
        drop(next);
        lane.pop_front();
        continue;
      } else if (alert->second.expired(now_ms())) {
        count_final(keys::delivery_state::kExpired);
        complete(next, result_item(next.message, std::string(keys::delivery_state::kExpired),
                                   next.retry_entry));
        lane.pop_front();
        continue;
      } else if (next.opted_out_since) {
        // STOP arrived after the member was prepared: recorded as opted out, never sent.
        ++stats.stopped_before_send;
        count_final(keys::delivery_state::kOptedOut);
        complete(next, result_item(next.message, std::string(keys::delivery_state::kOptedOut),
                                   next.retry_entry));
        lane.pop_front();
        continue;
      } else if (Clock::now() - next.opt_out_checked > kOptOutFreshness) {
        if (!co_await check_opt_outs(lane, channel)) {
          co_await queue.wakeup.wait(milliseconds(200));  // Redis away: send nothing unchecked
        }
        continue;  // the lanes may have changed meanwhile: look again
      }
      const auto picked = pool.pick(channel, next.message.segments, Clock::now());
      if (!picked.slot) {
        co_await queue.wakeup.wait(picked.wait);
        continue;
      }
      Pending pending = std::move(next);
      lane.pop_front();
      ++stats.in_flight;
      reader_wakeup.notify();
      adapters::GatewayRequest request = picked.slot->gateway->build(pending.message);
      if (auto* local = std::get_if<adapters::LocalWrite>(&request)) {
        finish(pending, *picked.slot, requests.files().write(*local));
      } else {
        ++running_tasks;
        asio::co_spawn(executor, send(std::move(pending), picked.slot, std::move(request)),
                       asio::detached);
      }
      // A blast through a local gateway never suspends otherwise: let the reader, the
      // recorder and the HTTP server have the loop now and then.
      if (++since_yield % 64 == 0) co_await asio::post(executor, asio::use_awaitable);
    }
  }

  // --- opt-outs that arrive during a blast -----------------------------------------------
  // The prepare script skips members already opted out, but a blast prepares a few seconds
  // of messages ahead of the gateways, and a member may text STOP meanwhile. So each
  // message's address is looked up again in the opt-out registry just before it is handed
  // to a gateway: at most kOptOutFreshness before, one SMISMEMBER for the next messages of
  // the lane (up to kOptOutBatch), so the cost stays one small command per batch however
  // fast the gateways are, and at slow rates about one per message.
  static constexpr Clock::duration kOptOutFreshness = milliseconds(10);
  static constexpr size_t kOptOutBatch = 256;

  // False when Redis did not answer: the caller waits and nothing is sent unchecked.
  asio::awaitable<bool> check_opt_outs(std::deque<Pending>& lane, const std::string& channel) {
    const auto asked = Clock::now();
    // References into a deque stay valid while others are pushed at its back; only this
    // channel's pump takes messages out, and it is the one waiting here.
    std::vector<Pending*> batch;
    redis::Command command{"SMISMEMBER", std::string(members::keys::opt_out_registry(channel))};
    for (Pending& pending : lane) {
      if (batch.size() == kOptOutBatch) break;
      if (pending.on_sent || pending.opted_out_since) continue;
      batch.push_back(&pending);
      command.push_back(pending.message.to);
    }
    if (batch.empty()) co_return true;
    auto reply = co_await redis.exec(std::move(command));
    std::string why;
    auto opted_out = redis::decode<std::vector<int64_t>>(reply, &why);
    if (opted_out && opted_out->size() != batch.size()) {
      why = "expected " + std::to_string(batch.size()) + " answers, got " +
            std::to_string(opted_out->size());
    }
    if (!opted_out || opted_out->size() != batch.size()) {
      spdlog::warn("event=dispatch_opt_out_check_failed channel={} error={}", channel,
                   log::quote(why));
      co_return false;
    }
    for (size_t i = 0; i < batch.size(); ++i) {
      batch[i]->opt_out_checked = asked;
      if ((*opted_out)[i] == 1) batch[i]->opted_out_since = true;
    }
    co_return true;
  }

  asio::awaitable<void> send(Pending pending, GatewaySlot* slot, adapters::GatewayRequest request) {
    auto self = shared_from_this();
    adapters::GatewayResponse response;
    try {
      response = co_await requests.execute(std::move(request));
    } catch (const std::exception& e) {
      response.transport_error = -1;
      response.transport_message = e.what();
    }
    finish(pending, *slot, response);
    --running_tasks;
    stopped.notify();
    ready.at(pending.message.channel)->wakeup.notify();
  }

  void finish(const Pending& pending, GatewaySlot& slot, const adapters::GatewayResponse& response) {
    const SendResult result = slot.gateway->classify(pending.message, response);
    const RetryDecision decision = decide(policy, result, pending.attempt, uniform());
    pool.on_result(slot, result, decision, Clock::now());
    if (pending.on_sent) {
      if (stats.in_flight > 0) --stats.in_flight;
      ++stats.direct;
      pending.on_sent(result);
      return;
    }
    RecordItem item;
    switch (decision.action) {
      case RetryDecision::Action::done:
        // Unconfirmed (the provider got the request but did not answer) counts as sent:
        // sending again could give the member a second SMS (send_result.h).
        if (result.outcome == Outcome::unconfirmed) {
          note_unconfirmed(slot, result);
          // An SMS-only alert also emails the member: if the provider did lose the SMS,
          // they still get the call (at worst both), never the same SMS twice.
          if (pending.email_fallback && ready.contains("email")) fall_back_to_email(pending);
        }
        item = result_item(pending.message, std::string(keys::delivery_state::kSent),
                           pending.retry_entry);
        item.message_id = result.message_id;
        if (slot.gateway->has_receipts() && !result.message_id.empty()) {
          item.receipt_key = keys::receipt(slot.gateway->name(), result.message_id);
        }
        break;
      case RetryDecision::Action::retry:
        item.op = RecordItem::Op::retry;
        item.alert_id = pending.message.alert_id;
        item.member_or_queue = pending.message.member_id;
        item.channel_or_entry = pending.message.channel;
        item.state_or_due = std::to_string(now_ms() + decision.delay.count());
        item.entry_to_add = retry_text(pending.message.alert_id, pending.message.member_id,
                                       pending.message.channel, pending.attempt + 1);
        item.entry_to_remove = pending.retry_entry;
        ++stats.retries;
        break;
      case RetryDecision::Action::fail:
        item = result_item(pending.message, "failed:" + decision.reason, pending.retry_entry);
        if (pending.email_fallback && result.outcome == Outcome::permanent) fall_back_to_email(pending);
        break;
      case RetryDecision::Action::record_opt_out:
        item = result_item(pending.message, std::string(keys::delivery_state::kOptedOut),
                           pending.retry_entry);
        item.address = pending.message.to;
        break;
    }
    if (item.op == RecordItem::Op::result) count_final(item.state_or_due);
    item.is_message = true;
    complete(pending, std::move(item));
  }

  // One log line per gateway and second at most: a provider that stops answering during
  // a blast would otherwise write one per message.
  void note_unconfirmed(const GatewaySlot& slot, const SendResult& result) {
    ++stats.unconfirmed;
    const auto now = Clock::now();
    UnconfirmedLog& log = unconfirmed_log[slot.gateway->name()];
    ++log.unlogged;
    if (now - log.last < std::chrono::seconds(1)) return;
    spdlog::warn("event=dispatch_unconfirmed gateway={} messages={} reason={}",
                 slot.gateway->name(), log.unlogged, log::quote(result.reason));
    log.last = now;
    log.unlogged = 0;
  }
  struct UnconfirmedLog {
    Clock::time_point last;  // of the gateway's last line
    uint64_t unlogged = 0;   // since then
  };
  std::map<std::string, UnconfirmedLog> unconfirmed_log;

  // Queues the member's email as a retry due now: the retry path prepares it (opt-out and
  // shared-address checks included) and the renderer gives it the SMS text.
  void fall_back_to_email(const Pending& pending) {
    RecordItem item;
    item.op = RecordItem::Op::retry;
    item.alert_id = pending.message.alert_id;
    item.member_or_queue = pending.message.member_id;
    item.channel_or_entry = "email";
    item.state_or_due = std::to_string(now_ms());
    item.entry_to_add = retry_text(pending.message.alert_id, pending.message.member_id, "email", 1);
    recorder.add(std::move(item));
    ++stats.fallbacks;
  }

  // A message of a cancelled alert: not sent, no state (it was never attempted).
  void drop(const Pending& pending) {
    ++stats.dropped;
    if (!pending.retry_entry.empty()) {
      RecordItem item;
      item.op = RecordItem::Op::cancel_retry;
      item.alert_id = pending.message.alert_id;
      item.member_or_queue = pending.message.member_id;
      item.channel_or_entry = pending.message.channel;
      item.entry_to_remove = pending.retry_entry;
      recorder.add(std::move(item));
    }
    if (pending.job && --pending.job->open == 0) acknowledge(*pending.job);
  }

  // --- keeping jobs, taking over a dead daemon's ------------------------------------------

  asio::awaitable<void> keep_and_claim() {
    const int64_t idle = config.dispatch().claim_idle_ms();
    while (!stopping) {
      co_await periodic(claim_tick, milliseconds(idle / 3));
      if (stopping) break;
      // Not started yet (Redis away since the daemon started): look again next period.
      if (rsvp_secret.empty()) continue;
      // Touch the jobs we hold so no other daemon takes them over while we work on them.
      std::map<std::string, std::vector<std::string>> by_queue;
      for (const auto& [entry, queue] : held_jobs) by_queue[queue].push_back(entry);
      for (auto& [queue, entries] : by_queue) co_await jobs_of_queue(queue).keep(entries);
      // Take over the jobs of a consumer silent for longer than claim_idle_ms.
      for (redis::StreamConsumer* queue : {&urgent_jobs, &routine_jobs}) {
        auto claimed = co_await queue->claim();
        if (!claimed) continue;
        const std::vector<QueueEntry> entries = jobs_of(*claimed, queue->options().stream);
        if (!entries.empty()) {
          spdlog::info("event=dispatch_claimed queue={} jobs={}", queue->options().stream,
                       entries.size());
        }
        for (const QueueEntry& entry : entries) co_await take(entry);
      }
    }
  }

  asio::awaitable<void> tick_rates() {
    while (!stopping) {
      co_await periodic(rate_tick, std::chrono::seconds(1));
      pool.tick(Clock::now());
    }
  }

  // --- lifecycle --------------------------------------------------------------------------

  asio::awaitable<void> run() {
    auto self = shared_from_this();
    auto spawn = [this](asio::awaitable<void> task, const char* name) {
      ++running_tasks;
      asio::co_spawn(executor, std::move(task), [this, name](std::exception_ptr error) {
        if (error) {
          try {
            std::rethrow_exception(error);
          } catch (const std::exception& e) {
            spdlog::error("event=dispatch_task_failed task={} error={}", name, log::quote(e.what()));
          }
        }
        --running_tasks;
        stopped.notify();
      });
    };
    spawn(read_jobs(), "read_jobs");
    spawn(take_retries(), "take_retries");
    spawn(watch_alerts(), "watch_alerts");
    spawn(keep_and_claim(), "keep_and_claim");
    spawn(tick_rates(), "tick_rates");
    for (auto& [channel, queue] : ready) spawn(pump(channel), "pump");
    spdlog::info("event=dispatch_started consumer={} gateways={} window={}", log::quote(consumer),
                 pool.slots().size(), window);
    int64_t concurrency = 0;
    for (const auto& slot : pool.slots()) concurrency += slot->max_concurrency;
    if (concurrency > config.dispatch().max_in_flight()) {
      // The gateways could carry more requests at once than the engine lets out: their
      // rates are then capped at max_in_flight / latency.
      spdlog::warn(
          "event=dispatch_in_flight_below_concurrency max_in_flight={} gateways_concurrency={} "
          "hint={}",
          config.dispatch().max_in_flight(), concurrency,
          log::quote("raise dispatch.max_in_flight to at least the gateways' max_concurrency "
                     "total, or a slow provider will not get its full rate"));
    }
    asio::co_spawn(executor, recorder.run(std::chrono::seconds(5)), [this](std::exception_ptr) {
      recorder_done = true;
      stopped.notify();
    });
    // Until stop(), then until every task and request has finished and the recorder has
    // written what they produced.
    while (running_tasks > 0) co_await stopped.wait(std::chrono::seconds(1));
    recorder.stop();
    while (!recorder_done) co_await stopped.wait(std::chrono::seconds(1));
    spdlog::info("event=dispatch_stopped sent={} failed={} in_flight={}", stats.sent, stats.failed,
                 stats.in_flight);
  }

  void stop() {
    stopping = true;
    reader_wakeup.notify();
    for (auto& [channel, queue] : ready) queue->wakeup.notify();
    stopped.notify();
    for (Wakeup* tick : {&watch_tick, &retry_tick, &claim_tick, &rate_tick}) tick->notify();
  }

  bool recorder_done = false;
};

Engine::Engine(boost::asio::any_io_executor executor, redis::Client& redis,
               const config::Config& config, const tocsin::Clock& clock,
               std::vector<std::unique_ptr<adapters::Gateway>> gateways)
    : impl_(std::make_shared<Impl>(std::move(executor), redis, config, clock,
                                   std::move(gateways))) {}

Engine::~Engine() = default;

boost::asio::awaitable<void> Engine::run() { co_await impl_->run(); }

void Engine::stop() { impl_->stop(); }

void Engine::send_direct(adapters::OutgoingMessage message,
                         std::function<void(const SendResult&)> on_sent) {
  auto it = impl_->ready.find(message.channel);
  if (it == impl_->ready.end() || impl_->stopping) {
    SendResult result;
    result.outcome = Outcome::permanent;
    result.reason = "no gateway for " + message.channel;
    if (on_sent) on_sent(result);
    return;
  }
  Impl::Pending pending;
  pending.message = std::move(message);
  pending.on_sent = on_sent ? std::move(on_sent) : [](const SendResult&) {};
  it->second->direct.push_back(std::move(pending));
  it->second->wakeup.notify();
}

EngineStats Engine::stats() const { return impl_->stats; }

const adapters::Gateway* Engine::gateway(std::string_view name) const {
  for (const auto& slot : impl_->pool.slots()) {
    if (slot->gateway->name() == name) return slot->gateway.get();
  }
  return nullptr;
}

bool Engine::has_receipts(std::string_view channel) const {
  for (const auto& slot : impl_->pool.slots()) {
    if (slot->gateway->channel() == channel && slot->gateway->has_receipts()) return true;
  }
  return false;
}

}  // namespace tocsin::dispatch
