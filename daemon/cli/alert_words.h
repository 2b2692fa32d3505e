#pragma once
// How the CLI words an alert for a person: kinds and channels in plain English
// ("special-law threat", not SPECIAL_LAW_THREAT), and every time on one clock, the union's,
// named once by the command (never some times in UTC and others in the reader's zone).

#include <chrono>
#include <cstdint>
#include <string>

#include "proto/tocsin.pb.h"

namespace tocsin::cli {

std::string kind_words(AlertKind kind);      // "special-law threat", "banner drop"...
std::string channel_words(Channel channel);  // "SMS", "email", "SMS and email"
std::string state_words(AlertState state);   // "draft", "sending"...

// Times on the union's clock. The zone is the one the daemon names (AlertResponse.time_zone);
// UTC when it names none or this machine lacks its rules, and then zone_name() says UTC.
class UnionClock {
 public:
  explicit UnionClock(const std::string& time_zone);

  // "Sun 2094-06-06 07:00"; "" for 0.
  std::string at_unix(int64_t unix_seconds) const;
  // An RFC 3339 time ("2094-06-06T07:00:00-04:00") on this clock; the text as given when it
  // does not parse.
  std::string at_rfc3339(const std::string& rfc3339) const;
  std::string at(std::chrono::system_clock::time_point when) const;

  const std::string& zone_name() const { return zone_; }

 private:
  std::string zone_;
};

}  // namespace tocsin::cli
