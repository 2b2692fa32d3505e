#include "dispatch/retry_entry.h"

#include <cstdlib>

namespace tocsin::dispatch {

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

std::string retry_text(const std::string& alert_id, const std::string& member_id,
                       const std::string& channel, int attempt) {
  return alert_id + "|" + member_id + "|" + channel + "|" + std::to_string(attempt);
}

}  // namespace tocsin::dispatch
