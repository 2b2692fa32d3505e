#include "replies/reply_worker.h"

#include <spdlog/spdlog.h>
#include <boost/asio/this_coro.hpp>

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <vector>

#include "alerts/alert_keys.h"
#include "alerts/alert_relay.h"
#include "alerts/fleet_fields.h"
#include "alerts/preview.h"
#include "alerts/rfc3339.h"
#include "alerts/sms_encoding.h"
#include "checkin/checkin_store.h"
#include "log/log.h"
#include "members/phone.h"
#include "proto/tocsin.pb.h"
#include "redis/client.h"
#include "redis/decode.h"
#include "redis/stream_consumer.h"
#include "replies/confirmation_text.h"
#include "replies/inbound_store.h"
#include "replies/reply_matcher.h"
#include "replies/reply_reader.h"
#include "replies/reply_scripts.h"
#include "replies/rsvp_builder.h"
#include "replies/sms_opt_outs.h"
#include "seats/seat_status.h"
#include "turnout/rsvp_record.h"
#include "util/alongside.h"
#include "util/wakeup.h"

namespace tocsin::replies {
namespace {

namespace asio = boost::asio;

// Entries read at once: enough to keep up with a burst in a few round trips per batch.
constexpr int kBatch = 500;
// How often other daemons' replies are looked for when nothing woke us.
constexpr auto kPoll = std::chrono::milliseconds(100);
// A batch waits this long at most for an earlier batch another daemon is applying: replies
// are applied in the order they arrived (bus seats go first come, first served), but a
// daemon that died holding a batch must not stop the others until it is claimed.
constexpr auto kTurnWait = std::chrono::milliseconds(2000);
constexpr auto kTurnPoll = std::chrono::milliseconds(2);
// Automatic answers per number per hour: enough for a member correcting an answer twice,
// too few for a loop with an answering machine.
constexpr int kAutoAnswersPerHour = 3;
// PRÉSENT A7 is a check-in from this long before the event (buses leave at dawn); before
// that, a yes.
constexpr int64_t kCheckinOpensBeforeMs = 12 * 3600 * 1000;

// What a reply needs of the alert it answers, read once (a sent alert does not change).
struct AnsweredAlert {
  std::string code;
  std::set<std::string> languages;  // of its messages
  std::vector<std::string> pickup_ids;
  PickupByRegion pickup_by_region;             // folded region -> pickup id
  std::map<std::string, PickupPoint> pickups;  // by id
  int64_t event_at_ms = 0;                     // Alert.event_time; 0 when none
  bool allocates_seats = false;                // a reply may then board others (seat news)
};

struct Entry {
  std::string stream_id;
  std::string number;  // E.164, empty when the sender is not a phone number
  std::string text;
  int64_t at_ms = 0;
  Reading reading;
  std::string kind;          // "rsvp", "unknown" (record_replies_script), "stop", "start"
                             // (sms_opt_outs.h) or "" for nothing
  std::string encoded;       // the RsvpRecord, for kind "rsvp"
  std::string status;        // what it did
  seats::SeatHolding seat;   // the member's bus seat after it (an RSVP)
  bool checkin = false;      // PRÉSENT A7 on the event's day: recorded by the check-in script
  std::string checkin_code;  // the member's short check-in code, for a yes confirmation
  // Filled by the match (reply_matcher.h).
  std::string alert_id;
  std::string member_id;
  std::string region, sector, local, language, title;
};

std::string field_of(const redis::StreamEntry& entry, std::string_view name) {
  return entry.value(name);
}

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

struct ReplyWorker::Impl : std::enable_shared_from_this<Impl> {
  Impl(asio::any_io_executor executor, redis::Client& redis, ReplyWorkerOptions options)
      : redis(redis), options(std::move(options)), wakeup(executor) {}

  redis::Client& redis;
  checkin::CheckinStore checkins{redis};
  const ReplyWorkerOptions options;
  redis::StreamConsumer queue{redis,
                              {.stream = std::string(kInboundQueue),
                               .group = std::string(kReplyGroup),
                               .consumer = options.consumer,
                               .batch = kBatch,
                               .claim_batch = kBatch,
                               .claim_idle = options.claim_idle,
                               .note_first_pending = true}};
  Wakeup wakeup;
  bool stopping = false;
  ReplyStats stats;
  std::map<std::string, AnsweredAlert> answered;  // by alert id
  std::vector<std::string> standings_read;        // by the last match (match_replies)

  asio::awaitable<void> run() {
    auto self = shared_from_this();
    co_await process();
    // What the last batch handled is not read again at the next start. A stop cut short
    // leaves it pending: applied again then, which changes nothing.
    if (redis.connected()) co_await queue.flush_acks();
  }

  asio::awaitable<void> process() {
    while (!stopping) {
      if (!redis.connected()) {
        co_await wakeup.wait(kPoll);
        continue;
      }
      // Takes over the replies a daemon read and then went silent on for claim_idle: they
      // become ours, pending, and are read again from "0".
      if (queue.claim_due()) {
        if (const size_t claimed = co_await queue.take_over(); claimed > 0) {
          spdlog::info("event=replies_claimed entries={}", claimed);
        }
      }
      // Our own pending entries first (a crash, a failed batch), then new ones.
      const bool pending = queue.state().reading_pending();
      auto read = co_await queue.read();
      if (!read) {
        co_await wakeup.wait(kPoll);
        continue;
      }
      std::vector<Entry> entries;
      std::vector<std::string> ids;
      for (const redis::StreamEntry& item : *read) {
        ids.push_back(item.id);
        if (item.deleted()) continue;  // deleted meanwhile: acknowledged with the rest
        entries.push_back(to_entry(item.id, item));
      }
      if (ids.empty()) {
        if (pending) continue;  // none left: the new ones at once
        co_await wakeup.wait(kPoll);
        continue;
      }
      const auto started = std::chrono::steady_clock::now();
      co_await wait_turn(ids.front());
      if (!co_await apply(entries)) {
        queue.rewind();  // Redis trouble: the entries stay pending, read again
        co_await wakeup.wait(kPoll);
        continue;
      }
      ++stats.batches;
      stats.batch_us += static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                                  std::chrono::steady_clock::now() - started)
                                                  .count());
      // Sent with the next read, which follows at once.
      queue.ack_with_next_read(ids, /*remove=*/true);
    }
  }

  // Waits while another daemon holds replies that arrived before `first` (read, not yet
  // acknowledged) and is still working on them: two daemons reading the queue together
  // then apply it in arrival order, so the 500 "OUI BUS" of a full bus are seated in the
  // order members sent them, not in the order daemons happened to finish.
  asio::awaitable<void> wait_turn(const std::string& first) {
    // The read said already that the group's first pending entry is this batch's first:
    // no one holds an earlier one.
    if (const auto& pending = queue.first_pending_at_read();
        pending && pending->id == first && pending->consumer == options.consumer) {
      co_return;
    }
    const auto until = std::chrono::steady_clock::now() + kTurnWait;
    while (!stopping && std::chrono::steady_clock::now() < until) {
      auto earlier = co_await queue.first_pending_before(first);
      if (!earlier || !*earlier) co_return;
      const redis::PendingEntry& entry = **earlier;
      if (entry.consumer == options.consumer || entry.idle_ms >= kTurnWait.count()) co_return;
      ++stats.waited;
      co_await wakeup.wait(kTurnPoll);
    }
  }

  Entry to_entry(const std::string& id, const redis::StreamEntry& fields) {
    Entry entry;
    entry.stream_id = id;
    ++stats.read;
    if (auto number = members::normalize_phone(field_of(fields, inbound_field::kFrom))) {
      entry.number = *number;
    }
    entry.text = field_of(fields, inbound_field::kText);
    const std::string at = field_of(fields, inbound_field::kReceivedAtMs);
    entry.at_ms = at.empty() ? now_ms() : std::strtoll(at.c_str(), nullptr, 10);
    // Read once without the alert for the code it may quote (which picks the alert); read
    // again with the alert's pickup points once it is known.
    entry.reading = read_reply(entry.text);
    return entry;
  }

  // Loads what is needed of the alerts these replies answer, when not known yet.
  asio::awaitable<bool> load_alerts(const std::vector<Entry>& entries) {
    std::vector<std::string> ids;
    for (const Entry& entry : entries) {
      if (!entry.alert_id.empty() && !answered.contains(entry.alert_id) &&
          std::find(ids.begin(), ids.end(), entry.alert_id) == ids.end()) {
        ids.push_back(entry.alert_id);
      }
    }
    for (const std::string& id : ids) {
      redis::Command get{"HGET", alerts::keys::alert(id), std::string(alerts::keys::field::kProto)};
      auto stored = redis::decode<std::optional<std::string>>(co_await redis.exec(std::move(get)));
      if (!stored) co_return false;
      Alert alert;
      AnsweredAlert& loaded = answered[id];
      if (!alert.ParseFromString(stored->value_or(""))) continue;
      loaded.code = alert.code();
      for (const auto& [language, message] : alert.messages()) loaded.languages.insert(language);
      for (const PickupPoint& point : alert.pickup_points()) {
        // Ids are required and unique within an alert (alert_validation.cpp).
        loaded.pickup_ids.push_back(point.id());
        loaded.pickups.emplace(point.id(), point);
      }
      loaded.pickup_by_region = pickup_by_region(alert);
      loaded.allocates_seats = alerts::allocates_seats(alert);
      if (auto at = alerts::parse_rfc3339(alert.event_time())) {
        loaded.event_at_ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(at->time_since_epoch()).count();
      }
    }
    co_return true;
  }

  asio::awaitable<bool> match(std::vector<Entry>& entries) {
    std::vector<ReplyQuery> queries;
    for (const Entry& entry : entries) {
      if (!entry.number.empty()) queries.push_back({entry.number, entry.reading.alert_code});
    }
    if (queries.empty()) co_return true;
    auto found = co_await match_replies(redis, queries, &standings_read);
    if (!found || found->size() != queries.size()) co_return false;
    size_t i = 0;
    for (Entry& entry : entries) {
      if (entry.number.empty()) continue;
      ReplyMatch& match = (*found)[i++];
      entry.alert_id = std::move(match.alert);
      entry.member_id = std::move(match.member);
      entry.region = std::move(match.region);
      entry.sector = std::move(match.sector);
      entry.local = std::move(match.local);
      entry.language = std::move(match.language);
      entry.title = std::move(match.title);
    }
    co_return true;
  }

  // The kind of change a reply makes, or "" for none.
  std::string kind_of(Entry& entry, std::string* encoded) {
    const Reading& reading = entry.reading;
    if (reading.keyword == Keyword::stop) return "stop";
    if (reading.keyword == Keyword::start) return "start";
    if (reading.keyword == Keyword::help) {
      ++stats.help;
      return "";
    }
    if (entry.member_id.empty()) {
      ++stats.unmatched;
      return "";
    }
    const AnsweredAlert& alert = answered[entry.alert_id];
    if (!alert.pickup_ids.empty()) {
      ReadOptions read_options;
      read_options.pickup_ids = alert.pickup_ids;
      entry.reading = read_reply(entry.text, read_options);
    }
    if (!entry.reading.sure() || entry.reading.answer == Answer::none) return "unknown";
    // At the door (an alert without an event time has no "before"): the check-in script's.
    if (entry.reading.keyword == Keyword::here &&
        (alert.event_at_ms == 0 || entry.at_ms >= alert.event_at_ms - kCheckinOpensBeforeMs)) {
      entry.checkin = true;
      return "";
    }
    const MemberPlace place{entry.region, entry.sector, entry.local, entry.title};
    const RsvpRecord record =
        make_record(choice_of(entry.reading), place, alert.pickup_by_region, entry.at_ms, "sms");
    *encoded = encode(record);
    return "rsvp";
  }

  asio::awaitable<bool> apply(std::vector<Entry>& entries) {
    for (Entry& entry : entries) {
      if (entry.number.empty()) ++stats.bad_number;
    }
    if (!co_await match(entries)) co_return false;
    if (!co_await load_alerts(entries)) co_return false;
    // The opt-outs, and each alert's replies in their order (one call per alert: a script
    // runs in one hash slot).
    std::vector<SmsOptChange> opt_changes;
    std::vector<Entry*> opt_entries;
    std::vector<std::string> alert_order;
    std::map<std::string, std::vector<Entry*>> by_alert;
    for (Entry& entry : entries) {
      if (entry.number.empty()) continue;
      entry.kind = kind_of(entry, &entry.encoded);
      if (entry.kind == "stop" || entry.kind == "start") {
        opt_changes.push_back({entry.kind == "stop", entry.number});
        opt_entries.push_back(&entry);
      } else if (!entry.kind.empty()) {
        auto [at, added] = by_alert.try_emplace(entry.alert_id);
        if (added) alert_order.push_back(entry.alert_id);
        at->second.push_back(&entry);
      }
    }
    if (!co_await check_in(entries)) co_return false;
    if (auto failed = co_await apply_sms_opt_changes(redis, opt_changes)) {
      spdlog::warn("event=replies_not_recorded error={}", log::quote(failed.message()));
      co_return false;
    }
    for (Entry* entry : opt_entries) {
      entry->status = entry->kind == "stop" ? "opted_out" : "resubscribed";
    }
    for (const std::string& alert_id : alert_order) {
      if (!co_await record_alert_replies(alert_id, by_alert[alert_id])) co_return false;
    }
    for (const Entry& entry : entries) {
      if (entry.status == "recorded") ++stats.recorded;
      if (entry.status == "same") ++stats.repeated;
      if (entry.status == "unknown") ++stats.unknown;
      if (entry.status == "opted_out") ++stats.opted_out;
      if (entry.status == "resubscribed") ++stats.resubscribed;
    }
    // A seat given up boards those waiting: their news goes out through seats:notices. Only
    // an alert that hands out seats can have any.
    std::set<std::string> with_seats;
    for (const Entry& entry : entries) {
      if (entry.kind != "rsvp") continue;
      auto loaded = answered.find(entry.alert_id);
      if (loaded != answered.end() && loaded->second.allocates_seats) {
        with_seats.insert(entry.alert_id);
      }
    }
    for (const auto& id : with_seats) {
      co_await alerts::relay(redis, id, alerts::Outbox::seat_notices);
    }
    co_return co_await answer(entries);
  }

  // One alert's RSVPs and unclear replies, in order, in one script call.
  asio::awaitable<bool> record_alert_replies(const std::string& alert_id,
                                             const std::vector<Entry*>& replies) {
    std::vector<ReplyToRecord> records;
    records.reserve(replies.size());
    for (const Entry* entry : replies) {
      records.push_back({entry->kind, entry->member_id, entry->encoded, entry->text, entry->at_ms,
                         MemberPlace{entry->region, entry->sector, entry->local, entry->title}});
    }
    // Built before the co_await: g++ 12 mishandles temporaries in co_await operands.
    std::vector<std::string> script_keys = record_replies_keys(alert_id);
    std::vector<std::string> args = record_replies_args(alert_id, records);
    auto reply =
        co_await redis.eval(record_replies_script(), std::move(script_keys), std::move(args));
    std::string why;
    auto statuses = redis::decode<std::vector<std::string>>(reply, &why);  // one per reply
    if (!statuses || statuses->size() != replies.size()) {
      if (reply) {
        spdlog::warn("event=replies_not_recorded alert={} error={}", alert_id, log::quote(why));
      }
      co_return false;
    }
    for (size_t i = 0; i < replies.size(); ++i) {
      seats::RecordStatus result = seats::parse_record_status((*statuses)[i]);
      replies[i]->status = std::move(result.status);
      replies[i]->seat = std::move(result.seat);
    }
    co_return true;
  }

  // Members who texted PRÉSENT A7 at the door: self-reported (present_self), once.
  asio::awaitable<bool> check_in(std::vector<Entry>& entries) {
    for (Entry& entry : entries) {
      if (!entry.checkin) continue;
      checkin::CheckinRequest request{entry.alert_id, entry.member_id, "self",
                                      "sms",          entry.at_ms,     false};
      auto outcome = co_await checkins.check_in(std::move(request));
      if (!outcome) co_return false;
      using Status = checkin::CheckinOutcome::Status;
      if (outcome->status == Status::checked_in) entry.status = "present";
      if (outcome->status == Status::already) entry.status = "already_present";
    }
    co_return true;
  }

  // The short check-in codes of the members whose yes is confirmed, for an alert with an
  // event (the code is for its door). Without Redis, the confirmation goes without it.
  asio::awaitable<void> add_checkin_codes(std::vector<Entry*> yes) {
    std::vector<std::pair<std::string, std::string>> pairs;
    for (const Entry* entry : yes) pairs.emplace_back(entry->alert_id, entry->member_id);
    if (pairs.empty()) co_return;
    auto codes = co_await checkins.short_codes(std::move(pairs));
    if (!codes) co_return;
    for (size_t i = 0; i < yes.size(); ++i) yes[i]->checkin_code = (*codes)[i];
  }

  // What the member is told, when anything: their answer as recorded, how to answer, or
  // that they opted out or in.
  std::optional<ConfirmationFacts> confirmation_of(const Entry& entry) {
    ConfirmationFacts facts;
    // The member's language, else the reply's; but always the language of the alert's
    // message they got (French when the alert has none in theirs).
    facts.language = entry.language;
    if (facts.language.empty()) {
      facts.language = entry.reading.language == Language::en ? "en" : "fr";
    }
    const AnsweredAlert* alert = nullptr;
    if (auto it = answered.find(entry.alert_id); it != answered.end()) {
      alert = &it->second;
      facts.alert_code = alert->code;
      if (!alert->languages.contains(facts.language)) facts.language = "fr";
    }
    if (entry.reading.keyword == Keyword::help) {
      facts.kind = ConfirmationKind::help;
    } else if (entry.status == "opted_out") {
      facts.kind = ConfirmationKind::opted_out;
    } else if (entry.status == "resubscribed") {
      facts.kind = ConfirmationKind::resubscribed;
    } else if (entry.status == "unknown") {
      facts.kind = ConfirmationKind::unknown;
    } else if (entry.status == "present" || entry.status == "already_present") {
      facts.kind = ConfirmationKind::present;
    } else if (entry.status == "recorded" || entry.status == "same") {
      facts.kind = ConfirmationKind::rsvp;
      facts.checkin_code = entry.checkin_code;
      auto record = decode(entry.encoded);
      if (!record) return std::nullopt;
      facts.record = std::move(*record);
      facts.seat = entry.seat;
      // A plain yes that kept a seat (a confirmation) speaks of the seat kept.
      if (!facts.seat.state.empty()) {
        facts.record.pickup = facts.seat.pickup;
        facts.record.bus_seats = facts.seat.seats;
      }
      if (alert != nullptr) {
        if (auto point = alert->pickups.find(facts.record.pickup); point != alert->pickups.end()) {
          facts.pickup = alerts::describe_pickup(point->second, facts.language, options.time_zone);
        }
      }
    } else {
      return std::nullopt;
    }
    return facts;
  }

  // Sends the confirmations of a batch, within each number's allowance of automatic answers.
  asio::awaitable<bool> answer(std::vector<Entry>& entries) {
    if (!options.send) co_return true;
    std::vector<Entry*> yes;
    for (Entry& entry : entries) {
      const auto alert = answered.find(entry.alert_id);
      if ((entry.status == "recorded" || entry.status == "same") &&
          entry.reading.answer == Answer::yes && alert != answered.end() &&
          alert->second.event_at_ms > 0) {
        yes.push_back(&entry);
      }
    }
    std::vector<std::pair<const Entry*, ConfirmationFacts>> answers;
    std::vector<std::string> counters;
    std::vector<std::string> args{std::to_string(kAutoAnswersPerHour), "3600"};
    for (const Entry& entry : entries) {
      if (entry.number.empty()) continue;
      if (auto facts = confirmation_of(entry)) {
        answers.emplace_back(&entry, std::move(*facts));
        counters.push_back(auto_answer_key(entry.number));
      }
    }
    if (answers.empty()) co_return true;
    // The allowances and the check-in codes in the same round trip: they do not depend on
    // each other.
    const asio::any_io_executor executor = co_await asio::this_coro::executor;
    Alongside<Result<redis::Reply>> allowances(
        executor, redis.eval(auto_answer_script(), std::move(counters), std::move(args)));
    co_await add_checkin_codes(std::move(yes));
    for (auto& [entry, facts] : answers) {
      if (facts.kind == ConfirmationKind::rsvp) facts.checkin_code = entry->checkin_code;
    }
    auto allowed = redis::decode<std::vector<int64_t>>(co_await allowances.result());
    // The replies are recorded: a lost confirmation is not worth reading them again.
    if (!allowed || allowed->size() != answers.size()) co_return true;
    for (size_t i = 0; i < answers.size(); ++i) {
      if ((*allowed)[i] != 1) {
        ++stats.not_answered;
        continue;
      }
      const auto& [entry, facts] = answers[i];
      adapters::OutgoingMessage message;
      message.alert_id = entry->alert_id;
      message.member_id = entry->member_id;
      message.channel = "sms";
      message.to = entry->number;
      message.language = facts.language;
      message.text = confirmation_text(facts);
      message.segments = static_cast<int>(alerts::measure_sms(message.text).segments);
      // Unique per reply: gateways derive their message id from it.
      message.idempotency_key = "reply:" + entry->stream_id;
      message.alert_code = facts.alert_code;
      ++stats.answered;
      options.send(std::move(message));
    }
    co_return true;
  }
};

ReplyWorker::ReplyWorker(asio::any_io_executor executor, redis::Client& redis,
                         ReplyWorkerOptions options)
    : impl_(std::make_shared<Impl>(std::move(executor), redis, std::move(options))) {
  redis.load_on_connect(record_replies_script());
  redis.load_on_connect(auto_answer_script());
}

ReplyWorker::~ReplyWorker() = default;

asio::awaitable<void> ReplyWorker::run() {
  return impl_->run();
}

void ReplyWorker::stop() {
  impl_->stopping = true;
  impl_->wakeup.notify();
}

void ReplyWorker::notify() {
  impl_->wakeup.notify();
}

ReplyStats ReplyWorker::stats() const {
  return impl_->stats;
}

}  // namespace tocsin::replies
