#pragma once
// tocsind --check-config: every problem of a config file, and what it leaves to the machine
// it will run on (secrets, the Redis address when the file names none), which are listed
// rather than required, so a config is checked before its secrets are installed.

#include <ostream>
#include <string>

#include "config/config.h"

namespace tocsin::app {

// Prints "tocsind: <problem>" lines on `err` and returns 2, or prints "tocsind: FILE is
// valid" and one "tocsind: needs FIELD from SOURCE: STATE" line per requirement on `out`
// and returns 0.
int check_config(const std::string& path, const config::Environment& env, std::ostream& out,
                 std::ostream& err);

}  // namespace tocsin::app
