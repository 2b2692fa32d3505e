#include "turnout/alert_counts.h"

#include <charconv>
#include <optional>

#include "alerts/alert_keys.h"
#include "redis/client.h"
#include "redis/decode.h"
#include "members/turnout_field.h"

namespace tocsin::turnout {
namespace {

namespace keys = alerts::keys;

// HMGET `key` "<region>|all|<measure>" for each region, or none when there is no region.
redis::Command hmget(const std::string& key, const std::vector<std::string>& regions,
                     std::string_view measure) {
  redis::Command command{"HMGET", key};
  for (const auto& region : regions) command.push_back(field_name(region, "all", measure));
  return command;
}

// The sum of an HMGET's counts (nil: none); a reply that is not one counts nothing.
int64_t sum(const redis::Reply& reply) {
  auto values = redis::decode<std::vector<std::optional<std::string>>>(reply);
  if (!values) return 0;
  int64_t total = 0;
  for (const auto& value : *values) total += parse_count(value.value_or(""));
  return total;
}

}  // namespace

boost::asio::awaitable<std::optional<std::vector<AlertCounts>>> read_alert_counts(
    redis::Client& redis, const std::vector<std::string>& alert_ids, const Scope& scope) {
  std::vector<AlertCounts> counts(alert_ids.size());
  for (size_t i = 0; i < alert_ids.size(); ++i) counts[i].set_alert_id(alert_ids[i]);
  if (alert_ids.empty()) co_return counts;

  std::vector<redis::Command> region_reads;
  for (const auto& id : alert_ids) region_reads.push_back({"SMEMBERS", keys::regions(id)});
  auto region_sets = co_await redis.exec_pipeline(std::move(region_reads));
  if (!region_sets || region_sets->size() != alert_ids.size()) co_return std::nullopt;
  std::vector<std::vector<std::string>> regions_of(alert_ids.size());
  for (size_t i = 0; i < alert_ids.size(); ++i) {
    // A reply that is not a set names no region: the alert counts nothing.
    auto regions = redis::decode<std::vector<std::string>>((*region_sets)[i]);
    if (regions) regions_of[i] = std::move(*regions);
  }

  // Four reads per alert with a region in scope: targeted and sent, yes and coming.
  std::vector<redis::Command> reads;
  std::vector<size_t> read_of;  // alert index of reads[4k]
  for (size_t i = 0; i < alert_ids.size(); ++i) {
    std::vector<std::string> regions;
    for (const auto& region : regions_of[i]) {
      if (scope.contains_region(region)) regions.push_back(region);
    }
    if (regions.empty()) continue;
    read_of.push_back(i);
    reads.push_back(hmget(keys::reach(alert_ids[i]), regions, "targeted"));
    reads.push_back(hmget(keys::reach(alert_ids[i]), regions, "sent"));
    reads.push_back(hmget(keys::tally(alert_ids[i]), regions, "yes"));
    reads.push_back(hmget(keys::tally(alert_ids[i]), regions, "coming"));
  }
  if (reads.empty()) co_return counts;
  auto replies = co_await redis.exec_pipeline(std::move(reads));
  if (!replies || replies->size() != read_of.size() * 4) co_return std::nullopt;
  for (size_t k = 0; k < read_of.size(); ++k) {
    AlertCounts& alert = counts[read_of[k]];
    alert.set_members(sum((*replies)[4 * k]));
    alert.set_reached(sum((*replies)[4 * k + 1]));
    alert.set_yes(sum((*replies)[4 * k + 2]));
    alert.set_coming(sum((*replies)[4 * k + 3]));
  }
  co_return counts;
}

}  // namespace tocsin::turnout
