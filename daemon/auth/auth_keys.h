#pragma once
// Where accounts, sign-in codes, sessions and API tokens live in Redis: the one place that
// spells these keys (README.md, "Accounts and sign-in"). Every key carries the hash tag
// `{auth}`, so that a step writing an account, its address claims, its sessions and its
// audit entry together runs in one slot (Redis Cluster). They are few and small (one key
// per officer, per session, per token), so one slot holds them all.
//
//   {auth}:accounts                  SET of account ids
//   {auth}:account:<id>              STRING, the AccountRecord
//   {auth}:account_address:<address> STRING -> account id: a mobile or email belongs to one
//                                    account
//   {auth}:account_sessions:<id>     SET of the account's session keys; the keys of sessions
//                                    expired meanwhile leave it at its next sign-in
//   {auth}:sign_in_code:<account id> HASH hash, salt, expires_at_ms, attempts. One live code
//                                    per account; a new one replaces it. Expires in Redis a
//                                    minute after its expires_at_ms (the daemon judges by it).
//   {auth}:sign_in_count:<what>:<who>  counter of code requests or attempts in its hour
//   {auth}:session:<sha256 of its id>  HASH account, expires_at_ms (absolute); its Redis TTL
//                                    is the idle limit, renewed on use, never past
//                                    expires_at_ms
//   {auth}:tokens                    SET of the API tokens' SHA-256
//   {auth}:token:<sha256>            STRING, the TokenRecord
//   {auth}:audit                     STREAM, the audit entries of these keys' changes,
//                                    written in the same step and relayed to the audit log
//                                    (audit/audit_relay.h)
// The session id and the token themselves live only with their holder.
//
// An older tocsind kept the same keys without the tag (`accounts`, `account:<id>`…, below
// in `untagged`); each start moves what it finds there (auth/adopt_untagged_keys.h).

#include <string>
#include <string_view>

namespace tocsin::auth::keys {

inline constexpr std::string_view kAccounts = "{auth}:accounts";
inline constexpr std::string_view kTokens = "{auth}:tokens";
inline constexpr std::string_view kAudit = "{auth}:audit";

inline std::string account(std::string_view id) {
  return "{auth}:account:" + std::string(id);
}
inline std::string account_address(std::string_view address) {
  return "{auth}:account_address:" + std::string(address);
}
inline std::string account_sessions(std::string_view id) {
  return "{auth}:account_sessions:" + std::string(id);
}
inline std::string sign_in_code(std::string_view account_id) {
  return "{auth}:sign_in_code:" + std::string(account_id);
}
inline std::string sign_in_count(std::string_view counter) {
  return "{auth}:sign_in_count:" + std::string(counter);
}
// `hash`: the SHA-256 of the session id or token, hex (auth/token.h hash_token).
inline std::string session(std::string_view hash) {
  return "{auth}:session:" + std::string(hash);
}
inline std::string token(std::string_view hash) {
  return "{auth}:token:" + std::string(hash);
}

// The names an older tocsind used, read only to move their keys under the tag.
namespace untagged {
inline constexpr std::string_view kAccounts = "accounts";
inline constexpr std::string_view kTokens = "tokens";
inline std::string account(std::string_view id) {
  return "account:" + std::string(id);
}
inline std::string account_address(std::string_view address) {
  return "account_address:" + std::string(address);
}
inline std::string account_sessions(std::string_view id) {
  return "account_sessions:" + std::string(id);
}
inline std::string sign_in_code(std::string_view account_id) {
  return "sign_in_code:" + std::string(account_id);
}
inline constexpr std::string_view kSessionPrefix = "session:";
inline std::string token(std::string_view hash) {
  return "token:" + std::string(hash);
}
}  // namespace untagged

}  // namespace tocsin::auth::keys
