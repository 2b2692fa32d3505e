#pragma once
// Sign-in codes and dashboard sessions in Redis (README.md, "Accounts and sign-in"), under
// the keys of auth/auth_keys.h. The session id itself (256 random bits) lives only in the
// browser's cookie; Redis keeps its SHA-256.

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <optional>
#include <string>

#include "auth/one_time_code.h"
#include "auth/principal.h"
#include "proto/tocsin.pb.h"
#include "util/result.h"

namespace tocsin::redis {
class Client;
}

namespace tocsin::auth {

class AccountStore;

std::string session_key(std::string_view session_id);

struct SessionLimits {
  std::chrono::minutes idle{720};
  std::chrono::hours absolute{168};
};

class SessionStore {
 public:
  SessionStore(redis::Client& redis, AccountStore& accounts, SessionLimits limits);

  // Counts one more event in `counter`'s hour (kLimitWindowSeconds); the count so far.
  boost::asio::awaitable<Result<int64_t>> count(std::string counter);

  // Stores a new code for the account (replacing any), with an audit entry naming the
  // channel (never the code or the address).
  boost::asio::awaitable<Result<bool>> store_code(const AccountRecord& account, std::string hash,
                                                  std::string salt, int64_t expires_at_ms,
                                                  std::string channel);
  // Counts one attempt on the account's code and returns it with that attempt's number;
  // nullopt when the account has no code. An expired code comes back as attempt 0,
  // uncounted: nothing changes when there is no code to try or it is past `now_ms`.
  boost::asio::awaitable<Result<std::optional<CodeAttempt>>> take_attempt(std::string account_id,
                                                                          int64_t now_ms);
  // Deletes the account's code; true if this call deleted it (so of two uses of one code
  // at the same moment, one wins).
  boost::asio::awaitable<Result<bool>> spend_code(std::string account_id);

  // Opens a session for the account, with its audit entry: the session id for the cookie.
  boost::asio::awaitable<Result<std::string>> open(const AccountRecord& account);
  // The principal of a session id; nullopt for an unknown, expired or ended session, or
  // one whose account is disabled or gone. Reads only.
  boost::asio::awaitable<Result<std::optional<Principal>>> lookup(std::string session_id);
  // Renews the idle limit of the principal's session (after its request was admitted).
  boost::asio::awaitable<void> touch(const Principal& principal);
  // Ends the principal's session ("sign out"), or all its account's sessions ("sign out
  // everywhere"), with an audit entry. The number of sessions ended.
  boost::asio::awaitable<Result<int64_t>> close(const Principal& principal, bool everywhere);

  const SessionLimits& limits() const { return limits_; }

 private:
  boost::asio::awaitable<Result<int64_t>> close_all(const Principal& principal);

  redis::Client& redis_;
  AccountStore& accounts_;
  SessionLimits limits_;
};

}  // namespace tocsin::auth
