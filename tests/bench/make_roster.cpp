// Writes a fictional roster CSV to stdout: make_roster [MEMBERS [SEED]].
// config/sample-roster.csv is `make_roster 1000 2026`.

#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "tests/support/synthetic_roster.h"

int main(int argc, char** argv) {
  tocsin::testing::RosterOptions options;
  if (argc > 1) options.members = std::strtoul(argv[1], nullptr, 10);
  if (argc > 2) options.seed = static_cast<uint32_t>(std::strtoul(argv[2], nullptr, 10));
  std::cout << tocsin::testing::make_roster_csv(options);
  return 0;
}
