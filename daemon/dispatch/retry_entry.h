#pragma once
// An entry of q:retry, "alert|member|channel|attempt": a message to prepare and send again
// (take_retries.lua hands out the due ones). Alert ids and channels hold no '|'; a member id
// might, so it is what lies between the first '|' and the last two.

#include <optional>
#include <string>

namespace tocsin::dispatch {

struct RetryEntry {
  std::string text;  // the entry as stored, to remove it once the message is recorded
  std::string alert_id;
  std::string member_id;
  std::string channel;
  int attempt = 1;
};

// nullopt for a malformed entry (fewer than three '|', an attempt below 1).
std::optional<RetryEntry> parse_retry(std::string text);

std::string retry_text(const std::string& alert_id, const std::string& member_id,
                       const std::string& channel, int attempt);

}  // namespace tocsin::dispatch
