#include "auth/sign_in_limits.h"

namespace tocsin::auth {

std::string limit_message(LimitScope scope, bool attempts) {
  const std::string whom = scope == LimitScope::account ? "for this account" : "from your address";
  return std::string(attempts ? "too many codes were tried " : "too many codes were asked ") +
         whom + " in the last hour; try again later";
}

std::optional<LimitScope> code_request_limit(int64_t account_count, int64_t client_count) {
  if (client_count > kCodeRequestsPerClient) return LimitScope::client;
  if (account_count > kCodeRequestsPerAccount) return LimitScope::account;
  return std::nullopt;
}

}  // namespace tocsin::auth
