#pragma once
// Accounts of the people who sign in to the dashboard (README.md, "Accounts and
// sign-in"), in Redis under the keys of auth/auth_keys.h. A mobile (E.164) or email (lower
// case) belongs to one account, found at sign-in. Creation and disabling write their audit
// entry in the same step (account_create.lua, account_disable.lua), to {auth}:audit, and
// relay it to the audit log right after (audit/audit_relay.h).

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <vector>

#include "auth/principal.h"
#include "proto/tocsin.pb.h"
#include "util/result.h"

namespace tocsin::redis {
class Client;
}

namespace tocsin::auth {

struct NewAccount {
  std::string name;
  Role role = Role::coordinator;
  std::vector<std::string> regions;
  std::string mobile;  // normalized, or ""
  std::string email;   // normalized, or ""
  std::string created_by;
};

struct CreateOutcome {
  std::optional<AccountRecord> created;
  std::string taken_field;  // "mobile" or "email" when another account has that address
};

enum class DisableOutcome { disabled, already_disabled, not_found };

class AccountStore {
 public:
  explicit AccountStore(redis::Client& redis);

  boost::asio::awaitable<Result<CreateOutcome>> create(const NewAccount& request);
  // Every account, sorted by name.
  boost::asio::awaitable<Result<std::vector<AccountRecord>>> list();
  boost::asio::awaitable<Result<std::optional<AccountRecord>>> get(std::string id);
  // The account a normalized mobile or email belongs to.
  boost::asio::awaitable<Result<std::optional<AccountRecord>>> find_by_address(std::string address);
  // Marks it disabled and deletes all its sessions, in one script: its cookies stop
  // working at once.
  boost::asio::awaitable<Result<DisableOutcome>> disable(std::string id, std::string by);

 private:
  redis::Client& redis_;
};

}  // namespace tocsin::auth
