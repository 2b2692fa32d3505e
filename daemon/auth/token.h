#pragma once
// Bearer tokens: random, shown once, stored only as a hash (daemon/README.md). The hash is
// SHA-256: tokens carry 256 bits of randomness, so a slow password hash would add nothing
// but latency to every request.

#include <cstddef>
#include <string>
#include <string_view>

namespace tocsin::auth {

// "tcs_" + 43 characters of base64url (32 random bytes from the OS CSPRNG). The prefix
// lets secret scanners and people recognise a Tocsin token.
std::string generate_token();
// `bytes` bytes from the OS CSPRNG as unpadded base64url (session ids use 32).
std::string random_base64url(size_t bytes);

// Lowercase hex SHA-256 of the token: the only form that is stored.
std::string hash_token(std::string_view token);

// The first 16 hex digits of hash_token: names a token in alerts and the audit log.
std::string token_id(std::string_view token);

// Redis key holding the TokenRecord of a token.
std::string token_key(std::string_view token);

}  // namespace tocsin::auth
