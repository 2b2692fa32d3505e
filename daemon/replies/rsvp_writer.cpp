#include "replies/rsvp_writer.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <optional>
#include <tuple>

#include "alerts/alert_keys.h"
#include "alerts/alert_relay.h"
#include "alerts/fleet_fields.h"
#include "log/log.h"
#include "members/member_keys.h"
#include "redis/client.h"
#include "redis/decode.h"
#include "replies/reply_reader.h"
#include "replies/reply_scripts.h"

namespace tocsin::replies {
namespace {

std::optional<FieldProblem> out_of(std::string_view field, int value, int low, int high) {
  if (value >= low && value <= high) return std::nullopt;
  return FieldProblem{std::string(field), std::string(field) + " must be " + std::to_string(low) +
                                              " to " + std::to_string(high)};
}

}  // namespace

std::optional<FieldProblem> check_choice(const RsvpChoice& choice,
                                         const std::vector<std::string>& pickup_ids) {
  if (choice.answer != "yes" && choice.answer != "no" && choice.answer != "maybe") {
    return FieldProblem{"answer", "answer must be yes, no or maybe"};
  }
  if (auto problem = out_of("busSeats", choice.bus_seats, 0, kMaxBusSeats)) return problem;
  if (auto problem = out_of("carSeats", choice.car_seats, 0, kMaxCarSeats)) return problem;
  if (auto problem = out_of("party", choice.party, 0, kMaxParty)) return problem;
  if (!choice.pickup.empty() &&
      std::find(pickup_ids.begin(), pickup_ids.end(), choice.pickup) == pickup_ids.end()) {
    return FieldProblem{"pickup", "pickup must be one of the alert's pickup point ids"};
  }
  return std::nullopt;
}

RsvpWriter::RsvpWriter(redis::Client& redis) : redis_(redis) {
  redis_.load_on_connect(record_replies_script());
}

boost::asio::awaitable<WriteOutcome> RsvpWriter::write(const Alert& alert, std::string member_id,
                                                       RsvpChoice choice, std::string raw_text,
                                                       std::string source, int64_t at_ms,
                                                       std::optional<AuditEntry> audit) {
  WriteOutcome outcome;
  std::vector<std::string> pickup_ids;
  for (const PickupPoint& point : alert.pickup_points()) pickup_ids.push_back(point.id());
  if (auto problem = check_choice(choice, pickup_ids)) {
    outcome.status = WriteOutcome::Status::refused;
    outcome.problem = std::move(*problem);
    co_return outcome;
  }

  redis::Command read_place{"HMGET", members::keys::index(member_id), "region", "sector", "local",
                            "title"};
  using Field = std::optional<std::string>;
  auto read = redis::decode<std::tuple<Field, Field, Field, Field>>(
      co_await redis_.exec(std::move(read_place)));
  if (!read) co_return outcome;
  // A member removed from the roster since keeps their answer, counted without a place,
  // as an SMS of theirs would be.
  const MemberPlace place{std::get<0>(*read).value_or(""), std::get<1>(*read).value_or(""),
                          std::get<2>(*read).value_or(""), std::get<3>(*read).value_or("")};
  outcome.record = make_record(choice, place, pickup_by_region(alert), at_ms, std::move(source));

  std::vector<ReplyToRecord> records{
      {"rsvp", member_id, encode(outcome.record), std::move(raw_text), at_ms, place}};
  std::vector<std::string> script_keys = record_replies_keys(alert.id());
  std::vector<std::string> args = record_replies_args(alert.id(), records);
  std::string status;
  if (!audit) {
    auto reply =
        co_await redis_.eval(record_replies_script(), std::move(script_keys), std::move(args));
    std::string why;
    auto statuses = redis::decode<std::tuple<std::string>>(reply, &why);  // one reply's
    if (!statuses) {
      if (reply) {
        spdlog::warn("event=rsvp_not_recorded alert={} error={}", alert.id(), log::quote(why));
      }
      co_return outcome;
    }
    status = std::get<0>(*statuses);
  } else {
    // The record and its entry in the alert's trail in one transaction (one hash slot),
    // the trail then relayed to the audit log. EVAL with the source, not EVALSHA: inside
    // MULTI a NOSCRIPT would only show at EXEC, after the audit entry was written anyway.
    redis::Command eval{"EVAL", record_replies_script().source(),
                        std::to_string(script_keys.size())};
    eval.insert(eval.end(), script_keys.begin(), script_keys.end());
    eval.insert(eval.end(), args.begin(), args.end());
    redis::Command add{"XADD",        alerts::keys::audit_trail(alert.id()),
                       "*",           "actor",
                       audit->actor,  "action",
                       audit->action, "subject",
                       alert.id(),    "detail",
                       audit->detail};
    std::vector<redis::Command> transaction{{"MULTI"}, std::move(eval), std::move(add), {"EXEC"}};
    // The script's one status, and the audit entry's id.
    auto done = redis::decode_exec<std::tuple<std::string>, redis::Ignore>(
        co_await redis_.exec_pipeline(std::move(transaction)));
    if (!done) {
      spdlog::warn("event=rsvp_not_recorded alert={} source={}", alert.id(), outcome.record.source);
      co_return outcome;
    }
    status = std::get<0>(std::get<0>(*done));
    co_await alerts::relay(redis_, alert.id(), alerts::Outbox::audit);
  }
  // A seat given up boards those waiting: their news goes out through seats:notices.
  if (alerts::allocates_seats(alert)) {
    co_await alerts::relay(redis_, alert.id(), alerts::Outbox::seat_notices);
  }
  seats::RecordStatus result = seats::parse_record_status(status);
  status = result.status;
  outcome.seat = std::move(result.seat);
  if (status == "recorded") {
    outcome.status = WriteOutcome::Status::recorded;
  } else if (status == "same") {
    outcome.status = WriteOutcome::Status::same;
  }
  co_return outcome;
}

}  // namespace tocsin::replies
