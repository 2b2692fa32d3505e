#include "turnout/turnout_reader.h"

#include <charconv>

#include "alerts/alert_keys.h"
#include "members/turnout_field.h"
#include "redis/client.h"
#include "turnout/reach_log.h"

namespace tocsin::turnout {
namespace {

namespace keys = alerts::keys;

// Adds the field/value pairs of an HGETALL reply; false when it is not one.
bool add_hash(const redis::Reply& reply, RawFields& out) {
  if (reply.type != redis::Reply::Type::array) return false;
  for (size_t i = 0; i + 1 < reply.elements.size(); i += 2) {
    out[reply.elements[i].str] += parse_count(reply.elements[i + 1].str);
  }
  return true;
}

// "1763831234567-0" -> 1763831234567.
int64_t ms_of(std::string_view stream_id) {
  return parse_count(stream_id.substr(0, stream_id.find('-')));
}

}  // namespace

boost::asio::awaitable<std::optional<RawFields>> read_raw(redis::Client& redis,
                                                          const std::string& alert_id) {
  std::vector<redis::Command> reads{{"HGETALL", keys::tally(alert_id)},
                                    {"HGETALL", keys::reach(alert_id)},
                                    {"HGETALL", keys::day(alert_id)}};
  auto replies = co_await redis.exec_pipeline(std::move(reads));
  RawFields fields;
  if (!replies || replies->size() != 3 || !add_hash((*replies)[0], fields) ||
      !add_hash((*replies)[1], fields) || !add_hash((*replies)[2], fields)) {
    co_return std::nullopt;
  }
  co_return fields;
}

boost::asio::awaitable<TurnoutRead> read_turnout(redis::Client& redis, const std::string& alert_id,
                                                 const Scope& scope, const ReceiptsOf& receipts) {
  TurnoutRead result;
  // Moves still in the delivery path's log (at most 100 ms of them) are counted first.
  if (!co_await apply_pending_moves(redis, alert_id)) co_return result;
  std::vector<redis::Command> transaction{
      {"MULTI"},
      {"HMGET", keys::alert(alert_id), std::string(keys::field::kProto),
       std::string(keys::field::kState)},
      {"HGETALL", keys::tally(alert_id)},
      {"HGETALL", keys::reach(alert_id)},
      {"HGETALL", keys::day(alert_id)},
      {"XREVRANGE", keys::events(alert_id), "+", "-", "COUNT", "1"},
      {"GET", keys::turnout_at(alert_id)},
      {"EXEC"}};
  auto replies = co_await redis.exec_pipeline(std::move(transaction));
  if (!replies || replies->size() != 8 || replies->back().elements.size() != 6) co_return result;
  const auto& read = replies->back().elements;
  if (read[0].elements.size() != 2) co_return result;
  Alert alert;
  if (read[0].elements[0].is_nil() || !alert.ParseFromString(read[0].elements[0].str)) {
    result.status = TurnoutRead::Status::not_found;
    co_return result;
  }
  RawFields raw;
  if (!add_hash(read[1], raw) || !add_hash(read[2], raw) || !add_hash(read[3], raw)) {
    co_return result;
  }
  std::string last_event_id = "0-0";
  if (!read[4].elements.empty() && !read[4].elements[0].elements.empty()) {
    last_event_id = read[4].elements[0].elements[0].str;
  }
  const int64_t changed_at = read[5].is_nil() ? ms_of(last_event_id) : parse_count(read[5].str);

  // Display names of only what this viewer's fields name: a coordinator's labels are
  // those of their own regions.
  const RawFields scoped = scoped_fields(raw, scope);
  const std::vector<std::string> wanted = label_keys(scoped, scope);
  Labels labels;
  if (!wanted.empty()) {
    redis::Command names{"HMGET", std::string(kLabels)};
    names.insert(names.end(), wanted.begin(), wanted.end());
    auto found = co_await redis.exec(std::move(names));
    if (!found || found->elements.size() != wanted.size()) co_return result;
    for (size_t i = 0; i < wanted.size(); ++i) {
      if (!found->elements[i].is_nil()) labels[wanted[i]] = found->elements[i].str;
    }
  }
  result.turnout = build_turnout(alert, read[0].elements[1].str, scoped, labels, scope, receipts);
  result.turnout.set_last_event_id(last_event_id);
  result.turnout.set_updated_at_ms(static_cast<double>(changed_at));
  result.status = TurnoutRead::Status::ok;
  co_return result;
}

}  // namespace tocsin::turnout
