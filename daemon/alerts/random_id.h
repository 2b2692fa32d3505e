#pragma once
// Random names for alerts and for temporary Redis keys. An alert id appears in links sent
// to members and in API paths, so it must not be guessable from earlier ones: the bytes
// come from OpenSSL's CSPRNG, not from a seeded PRNG.

#include <cstddef>
#include <string>

namespace tocsin::alerts {

// `length` characters of [a-z0-9], uniformly drawn (about 5.2 bits each: 16 characters
// make 82 bits). Throws std::runtime_error if the system's random generator fails.
std::string random_id(size_t length = 16);

}  // namespace tocsin::alerts
