#pragma once
// Where accounts, sign-in codes, sessions and API tokens live in Redis: the one place that
// spells these keys (README.md, "Accounts and sign-in").
//
//   accounts                  SET of account ids
//   account:{id}              STRING, the AccountRecord
//   account_address:{address} STRING -> account id: a mobile or email belongs to one account
//   account_sessions:{id}     SET of the account's session keys; the keys of sessions expired
//                             meanwhile leave it at its next sign-in
//   sign_in_code:{account id} HASH hash, salt, expires_at_ms, attempts. One live code per
//                             account; a new one replaces it. Expires in Redis a minute after
//                             its expires_at_ms (the daemon judges by the latter).
//   sign_in_count:{what}:{who}  counter of code requests or attempts in its hour
//   session:{sha256 of its id}  HASH account, expires_at_ms (absolute); its Redis TTL is the
//                             idle limit, renewed on use, never past expires_at_ms
//   tokens                    SET of the API tokens' SHA-256
//   token:{sha256}            STRING, the TokenRecord
// The session id and the token themselves live only with their holder.

#include <string>
#include <string_view>

namespace tocsin::auth::keys {

inline constexpr std::string_view kAccounts = "accounts";
inline constexpr std::string_view kTokens = "tokens";

inline std::string account(std::string_view id) { return "account:" + std::string(id); }
inline std::string account_address(std::string_view address) {
  return "account_address:" + std::string(address);
}
inline std::string account_sessions(std::string_view id) {
  return "account_sessions:" + std::string(id);
}
inline std::string sign_in_code(std::string_view account_id) {
  return "sign_in_code:" + std::string(account_id);
}
inline std::string sign_in_count(std::string_view counter) {
  return "sign_in_count:" + std::string(counter);
}
// `hash`: the SHA-256 of the session id or token, hex (auth/token.h hash_token).
inline std::string session(std::string_view hash) { return "session:" + std::string(hash); }
inline std::string token(std::string_view hash) { return "token:" + std::string(hash); }

}  // namespace tocsin::auth::keys
