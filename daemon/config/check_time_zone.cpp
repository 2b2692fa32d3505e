#include "alerts/local_time.h"
#include "config/checks.h"
#include "config/quote.h"

namespace tocsin::config::checks {

// The same test the daemon's time formatting applies when it loads the zone: an IANA name
// (no path, no way out of the zone directory) of a compiled zone file, not one of the
// directory's tables ("zone.tab") nor a folder ("America").
void time_zone(const std::string& name, Problems* problems) {
  if (name.empty()) return;  // the default
  if (!alerts::is_known_time_zone(name)) {
    problems->emplace_back("time_zone", "unknown time zone " + in_quotes(name) +
                                            "; expected an IANA name such as America/Toronto "
                                            "(see /usr/share/zoneinfo)");
  }
}

}  // namespace tocsin::config::checks
