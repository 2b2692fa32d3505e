#include "turnout/turnout_reader.h"

#include <charconv>
#include <map>
#include <optional>
#include <tuple>

#include "alerts/alert_keys.h"
#include "members/turnout_field.h"
#include "redis/client.h"
#include "redis/decode.h"
#include "turnout/reach_log.h"

namespace tocsin::turnout {
namespace {

namespace keys = alerts::keys;

using Hash = std::map<std::string, std::string>;

void add_hash(const Hash& hash, RawFields& out) {
  for (const auto& [field, value] : hash) out[field] += parse_count(value);
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
  auto hashes =
      redis::decode_each<Hash, Hash, Hash>(co_await redis.exec_pipeline(std::move(reads)));
  if (!hashes) co_return std::nullopt;
  RawFields fields;
  std::apply([&](const auto&... hash) { (add_hash(hash, fields), ...); }, *hashes);
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
  // The alert's proto and state, tally, reach and day, the last entry of its event stream
  // (none when empty) and the time of the last change (nil: none yet).
  using Field = std::optional<std::string>;
  auto read = redis::decode_exec<std::pair<Field, Field>, Hash, Hash, Hash,
                                 std::vector<std::pair<std::string, redis::Ignore>>, Field>(
      co_await redis.exec_pipeline(std::move(transaction)));
  if (!read) co_return result;
  const Field& proto = std::get<0>(*read).first;
  const Field& state = std::get<0>(*read).second;
  Alert alert;
  if (!proto || !alert.ParseFromString(*proto)) {
    result.status = TurnoutRead::Status::not_found;
    co_return result;
  }
  RawFields raw;
  add_hash(std::get<1>(*read), raw);
  add_hash(std::get<2>(*read), raw);
  add_hash(std::get<3>(*read), raw);
  const auto& last_entry = std::get<4>(*read);
  const std::string last_event_id = last_entry.empty() ? "0-0" : last_entry.front().first;
  const Field& changed = std::get<5>(*read);
  const int64_t changed_at = changed ? parse_count(*changed) : ms_of(last_event_id);

  // Display names of only what this viewer's fields name: a coordinator's labels are
  // those of their own regions.
  const RawFields scoped = scoped_fields(raw, scope);
  const std::vector<std::string> wanted = label_keys(scoped, scope);
  Labels labels;
  if (!wanted.empty()) {
    redis::Command names{"HMGET", std::string(kLabels)};
    names.insert(names.end(), wanted.begin(), wanted.end());
    auto found = redis::decode<std::vector<Field>>(co_await redis.exec(std::move(names)));
    if (!found || found->size() != wanted.size()) co_return result;
    for (size_t i = 0; i < wanted.size(); ++i) {
      if ((*found)[i]) labels[wanted[i]] = *(*found)[i];
    }
  }
  result.turnout = build_turnout(alert, state.value_or(""), scoped, labels, scope, receipts);
  result.turnout.set_last_event_id(last_event_id);
  result.turnout.set_updated_at_ms(static_cast<double>(changed_at));
  result.status = TurnoutRead::Status::ok;
  co_return result;
}

}  // namespace tocsin::turnout
