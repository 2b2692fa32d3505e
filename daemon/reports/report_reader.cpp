#include "reports/report_reader.h"

#include <algorithm>
#include <map>
#include <optional>

#include "alerts/alert_keys.h"
#include "members/turnout_field.h"
#include "redis/client.h"
#include "redis/decode.h"
#include "redis/hash_slices.h"
#include "reports/locals_report.h"
#include "reports/no_shows.h"
#include "turnout/reach_log.h"

namespace tocsin::reports {
namespace {

namespace asio = boost::asio;
namespace keys = alerts::keys;

// Adds the field/value pairs of an HGETALL reply; false when it is not one.
bool add_hash(const redis::Reply& reply, turnout::RawFields& out) {
  auto fields = redis::decode<std::map<std::string, std::string>>(reply);
  if (!fields) return false;
  for (const auto& [field, value] : *fields) out[field] += turnout::parse_count(value);
  return true;
}

// HMGET alert:{id} proto state; absent fields nullopt.
using StoredAlert = std::pair<std::optional<std::string>, std::optional<std::string>>;

std::vector<redis::Command> count_reads(const std::string& id) {
  return {{"HGETALL", keys::tally(id)}, {"HGETALL", keys::reach(id)}, {"HGETALL", keys::day(id)}};
}

// The display names of what these fields name, for the viewer's scope.
asio::awaitable<std::optional<turnout::Labels>> read_labels(redis::Client& redis,
                                                            const turnout::RawFields& scoped,
                                                            const turnout::Scope& scope) {
  const std::vector<std::string> wanted = turnout::label_keys(scoped, scope);
  turnout::Labels labels;
  if (wanted.empty()) co_return labels;
  redis::Command names{"HMGET", std::string(turnout::kLabels)};
  names.insert(names.end(), wanted.begin(), wanted.end());
  auto found =
      redis::decode<std::vector<std::optional<std::string>>>(co_await redis.exec(std::move(names)));
  if (!found || found->size() != wanted.size()) co_return std::nullopt;
  for (size_t i = 0; i < wanted.size(); ++i) {
    if ((*found)[i]) labels[wanted[i]] = *(*found)[i];
  }
  co_return labels;
}

}  // namespace

asio::awaitable<ReportRead> read_report(redis::Client& redis, const std::string& alert_id,
                                        const turnout::Scope& scope, int min_group) {
  ReportRead result;
  // Moves still in the delivery path's log (at most 100 ms of them) are counted first.
  if (!co_await turnout::apply_pending_moves(redis, alert_id)) co_return result;
  std::vector<redis::Command> transaction{{"MULTI"},
                                          {"HMGET", keys::alert(alert_id),
                                           std::string(keys::field::kProto),
                                           std::string(keys::field::kState)}};
  for (redis::Command& read : count_reads(alert_id)) transaction.push_back(std::move(read));
  transaction.push_back({"EXEC"});
  // The alert's proto and state, then the tally, reach and day hashes (count_reads).
  auto read = redis::decode_exec<StoredAlert, redis::Reply, redis::Reply, redis::Reply>(
      co_await redis.exec_pipeline(std::move(transaction)));
  if (!read) co_return result;
  const auto& [stored, tally, reach, day] = *read;
  Alert alert;
  if (!stored.first || !alert.ParseFromString(*stored.first)) {
    result.status = ReportRead::Status::not_found;
    co_return result;
  }
  turnout::RawFields raw;
  if (!add_hash(tally, raw) || !add_hash(reach, raw) || !add_hash(day, raw)) co_return result;

  auto rsvps = co_await redis::scan_hash(redis, keys::rsvp(alert_id));
  if (!rsvps) co_return result;
  auto present = co_await redis::scan_hash(redis, keys::present(alert_id));
  if (!present) co_return result;
  const Stored checked_in(present->begin(), present->end());
  for (const auto& [field, value] : no_show_fields(*rsvps, checked_in)) raw[field] += value;

  auto labels = co_await read_labels(redis, turnout::scoped_fields(raw, scope), scope);
  if (!labels) co_return result;
  result.report = build_report(alert, stored.second.value_or(""), raw, *labels, scope, min_group);
  result.status = ReportRead::Status::ok;
  co_return result;
}

asio::awaitable<std::optional<LocalsReport>> read_locals_report(redis::Client& redis,
                                                                AlertKind kind, int last,
                                                                const turnout::Scope& scope,
                                                                int min_group) {
  redis::Command all{"ZREVRANGE", std::string(keys::kIndex), "0", "-1"};
  auto ids = redis::decode<std::vector<std::string>>(co_await redis.exec(std::move(all)));
  if (!ids) co_return std::nullopt;
  // The alerts newest first, read a hundred at a time until `last` of them are found.
  std::vector<AlertCounts> chosen;
  const std::vector<std::string>& listed = *ids;
  for (size_t first = 0; first < listed.size() && chosen.size() < static_cast<size_t>(last);
       first += 100) {
    const size_t end = std::min(listed.size(), first + 100);
    std::vector<redis::Command> reads;
    for (size_t i = first; i < end; ++i) {
      reads.push_back({"HMGET", keys::alert(listed[i]), std::string(keys::field::kProto),
                       std::string(keys::field::kState)});
    }
    auto replies = co_await redis.exec_pipeline(std::move(reads));
    if (!replies || replies->size() != end - first) co_return std::nullopt;
    for (const redis::Reply& reply : *replies) {
      if (chosen.size() == static_cast<size_t>(last)) break;
      auto stored = redis::decode<StoredAlert>(reply);
      if (!stored || !stored->first) continue;
      const std::string state = stored->second.value_or("");
      if (state != keys::state::kSent && state != keys::state::kClosed) continue;
      Alert alert;
      if (!alert.ParseFromString(*stored->first) || alert.kind() != kind ||
          !alert.parent_id().empty()) {
        continue;
      }
      chosen.push_back({std::move(alert), state, {}});
    }
  }
  for (AlertCounts& counts : chosen) {
    auto replies = co_await redis.exec_pipeline(count_reads(counts.alert.id()));
    if (!replies || replies->size() != 3) co_return std::nullopt;
    for (const redis::Reply& reply : *replies) {
      if (!add_hash(reply, counts.raw)) co_return std::nullopt;
    }
  }
  turnout::RawFields all_fields;
  for (const AlertCounts& counts : chosen) {
    for (const auto& [field, value] : turnout::scoped_fields(counts.raw, scope)) {
      all_fields[field] += value;
    }
  }
  auto labels = co_await read_labels(redis, all_fields, scope);
  if (!labels) co_return std::nullopt;
  co_return build_locals_report(AlertKind_Name(kind), last, chosen, *labels, scope, min_group);
}

}  // namespace tocsin::reports
