#include "replies/unknown_replies.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <optional>

#include "alerts/alert_keys.h"
#include "members/member_keys.h"
#include "proto/tocsin.pb.h"
#include "redis/client.h"
#include "redis/decode.h"

namespace tocsin::replies {

std::optional<std::pair<int64_t, std::string>> parse_unknown_value(std::string_view value) {
  const size_t bar = value.find('|');
  if (bar == std::string_view::npos || bar == 0) return std::nullopt;
  int64_t at_ms = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + bar, at_ms);
  if (error != std::errc{} || end != value.data() + bar) return std::nullopt;
  return std::pair{at_ms, std::string(value.substr(bar + 1))};
}

boost::asio::awaitable<std::optional<std::vector<UnknownEntry>>> read_unknown_replies(
    redis::Client& redis, const std::string& alert_id) {
  redis::Command all{"HGETALL", alerts::keys::unknown_replies(alert_id)};
  // Member id -> "at_ms|text".
  auto stored =
      redis::decode<std::map<std::string, std::string>>(co_await redis.exec(std::move(all)));
  if (!stored) co_return std::nullopt;
  std::vector<UnknownEntry> entries;
  for (const auto& [member_id, stored_value] : *stored) {
    auto value = parse_unknown_value(stored_value);
    if (!value) continue;  // not written by record_replies_script
    UnknownEntry entry;
    entry.member_id = member_id;
    entry.received_at_ms = value->first;
    entry.text = std::move(value->second);
    entries.push_back(std::move(entry));
  }
  if (entries.empty()) co_return entries;

  std::vector<redis::Command> reads;
  reads.reserve(entries.size() * 2);
  for (const UnknownEntry& entry : entries) {
    reads.push_back({"HGET", members::keys::index(entry.member_id), "region"});
    reads.push_back({"GET", members::keys::member(entry.member_id)});
  }
  auto members = co_await redis.exec_pipeline(std::move(reads));
  if (!members || members->size() != entries.size() * 2) co_return std::nullopt;
  for (size_t i = 0; i < entries.size(); ++i) {
    // Each nil for a member removed from the roster since: listed without a name or region.
    auto region = redis::decode<std::optional<std::string>>((*members)[2 * i]);
    auto record = redis::decode<std::optional<std::string>>((*members)[2 * i + 1]);
    entries[i].folded_region = region ? region->value_or("") : "";
    Member member;
    if (record && member.ParseFromString(record->value_or(""))) {
      entries[i].first_name = member.first_name();
      entries[i].region = member.region();
    }
  }
  std::sort(entries.begin(), entries.end(), [](const UnknownEntry& a, const UnknownEntry& b) {
    return a.received_at_ms != b.received_at_ms ? a.received_at_ms < b.received_at_ms
                                                : a.member_id < b.member_id;
  });
  co_return entries;
}

}  // namespace tocsin::replies
