#include "redis/stream_entry.h"

#include <tuple>
#include <utility>

#include "redis/decode.h"

namespace tocsin::redis {
namespace {

// An entry as Redis gives it: [id, [field, value, ...]], the list nil when it was deleted.
using RawEntry = std::pair<std::string, std::vector<std::string>>;

std::vector<StreamEntry> to_entries(std::vector<RawEntry> raw) {
  std::vector<StreamEntry> entries;
  entries.reserve(raw.size());
  for (auto& [id, fields] : raw) entries.push_back({std::move(id), std::move(fields)});
  return entries;
}

}  // namespace

std::string StreamEntry::value(std::string_view name) const {
  for (size_t i = 0; i + 1 < fields.size(); i += 2) {
    if (fields[i] == name) return fields[i + 1];
  }
  return {};
}

std::vector<std::string> StreamEntry::values(std::string_view name) const {
  std::vector<std::string> found;
  for (size_t i = 0; i + 1 < fields.size(); i += 2) {
    if (fields[i] == name) found.push_back(fields[i + 1]);
  }
  return found;
}

Result<std::vector<StreamEntry>> decode_stream_read(const Reply& reply, std::string* why) {
  auto streams = decode<std::vector<std::pair<std::string, std::vector<RawEntry>>>>(reply, why);
  if (!streams) return streams.error();
  std::vector<StreamEntry> entries;
  for (auto& [name, raw] : *streams) {
    for (StreamEntry& entry : to_entries(std::move(raw))) entries.push_back(std::move(entry));
  }
  return entries;
}

Result<ClaimedEntries> decode_autoclaim(const Reply& reply, std::string* why) {
  auto claimed = decode<std::tuple<std::string, std::vector<RawEntry>, Rest<Ignore>>>(reply, why);
  if (!claimed) return claimed.error();
  auto& [next, raw, deleted] = *claimed;
  return ClaimedEntries{std::move(next), to_entries(std::move(raw))};
}

Result<std::vector<PendingEntry>> decode_pending(const Reply& reply, std::string* why) {
  auto rows =
      decode<std::vector<std::tuple<std::string, std::string, int64_t, int64_t>>>(reply, why);
  if (!rows) return rows.error();
  std::vector<PendingEntry> entries;
  entries.reserve(rows->size());
  for (auto& [id, consumer, idle, deliveries] : *rows) {
    entries.push_back({std::move(id), std::move(consumer), idle, deliveries});
  }
  return entries;
}

bool is_no_group(std::string_view error) {
  return error.starts_with("NOGROUP");
}

bool group_exists_after_create(const Reply& reply) {
  return reply.is_ok() || (reply.is_error() && reply.str.starts_with("BUSYGROUP"));
}

}  // namespace tocsin::redis
