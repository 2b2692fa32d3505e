#pragma once
// How often someone may ask for a sign-in code or try one (README.md, "Accounts and
// sign-in"). Counted in Redis in fixed one-hour windows starting at the first request;
// these decide from the counts, without I/O.

#include <cstdint>
#include <optional>
#include <string>

namespace tocsin::auth {

inline constexpr int64_t kLimitWindowSeconds = 3600;
// Codes sent to one account per hour: enough for a few mistyped or lost ones.
inline constexpr int64_t kCodeRequestsPerAccount = 5;
// Code requests from one client address (IPv6: its /64) per hour, whatever the account:
// several coordinators may share an office's address.
inline constexpr int64_t kCodeRequestsPerClient = 10;
// Codes tried from one client address per hour, right or wrong.
inline constexpr int64_t kAttemptsPerClient = 20;

enum class LimitScope { account, client };

// The clear message for a limited request, e.g. "too many codes were asked for this account
// in the last hour; try again later".
std::string limit_message(LimitScope scope, bool attempts);

// Which limit a code request is over, given the counts including this request; nullopt
// when it may go on. account_count is 0 when no account has the address.
std::optional<LimitScope> code_request_limit(int64_t account_count, int64_t client_count);

}  // namespace tocsin::auth
