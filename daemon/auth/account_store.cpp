#include "auth/account_store.h"

#include <algorithm>
#include <chrono>

#include "audit/audit_relay.h"
#include "auth/account_create.lua.h"
#include "auth/account_disable.lua.h"
#include "auth/account_sessions.h"
#include "auth/auth_keys.h"
#include "auth/role_proto.h"
#include "auth/token.h"
#include "redis/client.h"
#include "redis/decode.h"
#include "redis/script.h"

namespace tocsin::auth {
namespace {

int64_t now_unix() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

const redis::Script& create_script() {
  static const redis::Script script(std::string(lua::account_create));
  return script;
}

const redis::Script& disable_script() {
  static const redis::Script script(std::string(lua::account_disable));
  return script;
}

std::optional<AccountRecord> parse(const std::optional<std::string>& stored) {
  AccountRecord record;
  if (!stored || !record.ParseFromString(*stored)) return std::nullopt;
  return record;
}

}  // namespace

AccountStore::AccountStore(redis::Client& redis) : redis_(redis) {
  redis_.load_on_connect(create_script());
  redis_.load_on_connect(disable_script());
}

boost::asio::awaitable<Result<CreateOutcome>> AccountStore::create(const NewAccount& request) {
  AccountRecord record;
  // 64 random bits: ids are not secrets, only unique; SET NX catches the impossible clash.
  record.set_id(hash_token(random_base64url(16)).substr(0, 16));
  record.set_name(request.name);
  record.set_role(role_to_proto(request.role));
  for (const auto& region : request.regions) record.add_regions(region);
  record.set_mobile(request.mobile);
  record.set_email(request.email);
  record.set_created_at_unix(now_unix());
  record.set_created_by(request.created_by);
  std::vector<std::string> keys{keys::account(record.id()), std::string(keys::kAccounts),
                                std::string(keys::kAudit)};
  std::vector<std::string> args{record.id(), record.SerializeAsString(), request.created_by,
                                request.name, std::string(role_name(request.role))};
  // Only the addresses it has: an empty key would name another slot.
  if (!request.mobile.empty()) {
    keys.push_back(keys::account_address(request.mobile));
    args.push_back("mobile");
  }
  if (!request.email.empty()) {
    keys.push_back(keys::account_address(request.email));
    args.push_back("email");
  }
  auto taken = redis::decode<std::string>(
      co_await redis_.eval(create_script(), std::move(keys), std::move(args)));
  if (!taken) co_return taken.error();
  // An id taken means 64 random bits collided: the generator is broken, refuse.
  if (*taken == "id") co_return std::make_error_code(std::errc::io_error);
  CreateOutcome outcome;
  if (*taken == "ok") {
    co_await audit::relay(redis_, std::string(keys::kAudit));
    outcome.created = std::move(record);
  } else {
    outcome.taken_field = std::move(*taken);
  }
  co_return outcome;
}

boost::asio::awaitable<Result<std::vector<AccountRecord>>> AccountStore::list() {
  redis::Command members{"SMEMBERS", std::string(keys::kAccounts)};
  auto ids = redis::decode<std::vector<std::string>>(co_await redis_.exec(std::move(members)));
  if (!ids) co_return ids.error();
  std::vector<AccountRecord> accounts;
  if (ids->empty()) co_return accounts;
  redis::Command get{"MGET"};
  for (const auto& id : *ids) get.push_back(keys::account(id));
  auto records =
      redis::decode<std::vector<std::optional<std::string>>>(co_await redis_.exec(std::move(get)));
  if (!records) co_return records.error();
  for (const auto& stored : *records) {
    if (auto record = parse(stored)) accounts.push_back(std::move(*record));
  }
  std::sort(accounts.begin(), accounts.end(),
            [](const AccountRecord& a, const AccountRecord& b) { return a.name() < b.name(); });
  co_return accounts;
}

boost::asio::awaitable<Result<std::optional<AccountRecord>>> AccountStore::get(std::string id) {
  redis::Command get{"GET", keys::account(id)};
  auto stored = redis::decode<std::optional<std::string>>(co_await redis_.exec(std::move(get)));
  if (!stored) co_return stored.error();
  co_return parse(*stored);
}

boost::asio::awaitable<Result<std::optional<AccountRecord>>> AccountStore::find_by_address(
    std::string address) {
  redis::Command get{"GET", keys::account_address(address)};
  auto id = redis::decode<std::optional<std::string>>(co_await redis_.exec(std::move(get)));
  if (!id) co_return id.error();
  if (!*id) co_return std::optional<AccountRecord>();
  co_return co_await this->get(**id);
}

boost::asio::awaitable<Result<DisableOutcome>> AccountStore::disable(std::string id,
                                                                     std::string by) {
  auto current = co_await get(id);
  if (!current) co_return current.error();
  if (!*current) co_return DisableOutcome::not_found;
  if ((*current)->disabled()) co_return DisableOutcome::already_disabled;
  AccountRecord record = std::move(**current);
  record.set_disabled(true);
  record.set_disabled_at_unix(now_unix());
  record.set_disabled_by(by);
  const std::string serialized = record.SerializeAsString();
  for (int tries = 0; tries < kSessionReadTries; ++tries) {
    auto sessions = co_await read_account_sessions(redis_, id);
    if (!sessions) co_return sessions.error();
    std::vector<std::string> keys{keys::account(id), keys::account_sessions(id),
                                  std::string(keys::kAudit)};
    keys.insert(keys.end(), sessions->begin(), sessions->end());
    std::vector<std::string> args{serialized, by, id};
    auto outcome = redis::decode<std::string>(
        co_await redis_.eval(disable_script(), std::move(keys), std::move(args)));
    if (!outcome) co_return outcome.error();
    if (*outcome == "sessions_changed") continue;
    if (*outcome != "ok") co_return DisableOutcome::not_found;
    co_await audit::relay(redis_, std::string(keys::kAudit));
    co_return DisableOutcome::disabled;
  }
  // Someone signed in to it at every try: refused, said as Redis unavailable, to retry.
  co_return std::make_error_code(std::errc::resource_unavailable_try_again);
}

}  // namespace tocsin::auth
