#pragma once
// Fictional rosters for tests, benchmarks and the sample in config/: French headers,
// Quebec regions, sectors and locals, 555 phone numbers written the many ways people
// type them, emails at exemple.qc.ca. Deterministic for a given seed.

#include <cstdint>
#include <string>
#include <vector>

namespace tocsin::testing {

struct RosterOptions {
  size_t members = 1000;
  uint32_t seed = 1;
  // Every Nth member shares the previous member's phone (a couple, a family line); 0: none.
  size_t shared_phone_every = 97;
  // Every Nth member has no email; 0: all have one.
  size_t without_email_every = 11;
};

// One member as the roster gives it (text as typed: phone in any format, language "fr",
// "en" or "Français"). Tests compare what was sent against these.
struct RosterMember {
  std::string id;  // "M100000"...
  std::string first_name;
  std::string last_name;
  std::string phone;
  std::string email;  // may be empty
  std::string language;
  std::string region;
  std::string sector;
  std::string local;
  std::string job_title;
  std::string tags;  // ", "-separated
};

// The members, in roster order.
std::vector<RosterMember> make_roster(const RosterOptions& options);

// The CSV text of make_roster(options) (UTF-8, comma-separated, CRLF line ends as Excel writes them).
std::string make_roster_csv(const RosterOptions& options);

}  // namespace tocsin::testing
