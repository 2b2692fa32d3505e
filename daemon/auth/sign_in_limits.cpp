#include "auth/sign_in_limits.h"

namespace tocsin::auth {

std::string limit_message(LimitScope scope, bool attempts) {
  // Said the same of an address with no account: the answer must not tell which have one.
  const std::string whom = scope == LimitScope::account
                               ? (attempts ? "for this account" : "for this address")
                               : "from your network address";
  return std::string(attempts ? "too many codes were tried " : "too many codes were asked ") +
         whom + " in the last hour; try again later";
}

std::optional<LimitScope> code_request_limit(int64_t account_count, int64_t client_count) {
  if (client_count > kCodeRequestsPerClient) return LimitScope::client;
  if (account_count > kCodeRequestsPerAccount) return LimitScope::account;
  return std::nullopt;
}

}  // namespace tocsin::auth
