#pragma once
// Fictional rosters for tests, benchmarks and the sample in config/: French headers,
// Quebec regions, sectors and locals, 555 phone numbers written the many ways people
// type them, emails at exemple.qc.ca. Deterministic for a given seed.

#include <cstdint>
#include <string>

namespace tocsin::testing {

struct RosterOptions {
  size_t members = 1000;
  uint32_t seed = 1;
  // Every Nth member shares the previous member's phone (a couple, a family line); 0: none.
  size_t shared_phone_every = 97;
  // Every Nth member has no email; 0: all have one.
  size_t without_email_every = 11;
};

// The CSV text (UTF-8, comma-separated, CRLF line ends as Excel writes them).
std::string make_roster_csv(const RosterOptions& options);

}  // namespace tocsin::testing
