#include "auth/account_store.h"

#include <algorithm>
#include <chrono>

#include "auth/role_proto.h"
#include "auth/token.h"
#include "redis/client.h"
#include "redis/script.h"

namespace tocsin::auth {
namespace {

int64_t now_unix() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// KEYS: account, accounts, mobile address key or "", email address key or "".
// ARGV: id, record, actor, name, role. Refuses (returns the taken field) before writing
// anything when an address belongs to another account.
const redis::Script& create_script() {
  static const redis::Script script(R"lua(
if KEYS[3] ~= '' and redis.call('EXISTS', KEYS[3]) == 1 then return 'mobile' end
if KEYS[4] ~= '' and redis.call('EXISTS', KEYS[4]) == 1 then return 'email' end
if redis.call('SET', KEYS[1], ARGV[2], 'NX') == false then return 'id' end
redis.call('SADD', KEYS[2], ARGV[1])
if KEYS[3] ~= '' then redis.call('SET', KEYS[3], ARGV[1]) end
if KEYS[4] ~= '' then redis.call('SET', KEYS[4], ARGV[1]) end
redis.call('XADD', 'audit', '*', 'actor', ARGV[3], 'action', 'account.create',
           'subject', ARGV[1], 'detail', 'name=' .. ARGV[4] .. ' role=' .. ARGV[5])
return 'ok'
)lua");
  return script;
}

// KEYS: account, account_sessions. ARGV: the disabled record, actor, id. The record is
// replaced only if the account exists and is not disabled (the caller read it).
const redis::Script& disable_script() {
  static const redis::Script script(R"lua(
if redis.call('EXISTS', KEYS[1]) == 0 then return 'not_found' end
for _, session in ipairs(redis.call('SMEMBERS', KEYS[2])) do redis.call('DEL', session) end
local ended = redis.call('SCARD', KEYS[2])
redis.call('DEL', KEYS[2])
redis.call('SET', KEYS[1], ARGV[1])
redis.call('XADD', 'audit', '*', 'actor', ARGV[2], 'action', 'account.disable',
           'subject', ARGV[3], 'detail', 'sessions_ended=' .. ended)
return 'ok'
)lua");
  return script;
}

std::optional<AccountRecord> parse(const redis::Reply& reply) {
  if (reply.type != redis::Reply::Type::string) return std::nullopt;
  AccountRecord record;
  if (!record.ParseFromString(reply.str)) return std::nullopt;
  return record;
}

}  // namespace

std::string account_key(std::string_view id) {
  return "account:" + std::string(id);
}
std::string account_address_key(std::string_view address) {
  return "account_address:" + std::string(address);
}
std::string account_sessions_key(std::string_view id) {
  return "account_sessions:" + std::string(id);
}

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
  std::vector<std::string> keys{account_key(record.id()), "accounts",
                                request.mobile.empty() ? "" : account_address_key(request.mobile),
                                request.email.empty() ? "" : account_address_key(request.email)};
  std::vector<std::string> args{record.id(), record.SerializeAsString(), request.created_by,
                                request.name, std::string(role_name(request.role))};
  auto reply = co_await redis_.eval(create_script(), std::move(keys), std::move(args));
  if (!reply) co_return reply.error();
  if (reply->is_error() || reply->str == "id") co_return std::make_error_code(std::errc::io_error);
  CreateOutcome outcome;
  if (reply->str == "ok") {
    outcome.created = std::move(record);
  } else {
    outcome.taken_field = reply->str;
  }
  co_return outcome;
}

boost::asio::awaitable<Result<std::vector<AccountRecord>>> AccountStore::list() {
  redis::Command members{"SMEMBERS", "accounts"};
  auto ids = co_await redis_.exec(std::move(members));
  if (!ids) co_return ids.error();
  std::vector<AccountRecord> accounts;
  if (ids->elements.empty()) co_return accounts;
  redis::Command get{"MGET"};
  for (const auto& id : ids->elements) get.push_back(account_key(id.str));
  auto records = co_await redis_.exec(std::move(get));
  if (!records) co_return records.error();
  for (const auto& reply : records->elements) {
    if (auto record = parse(reply)) accounts.push_back(std::move(*record));
  }
  std::sort(accounts.begin(), accounts.end(),
            [](const AccountRecord& a, const AccountRecord& b) { return a.name() < b.name(); });
  co_return accounts;
}

boost::asio::awaitable<Result<std::optional<AccountRecord>>> AccountStore::get(std::string id) {
  redis::Command get{"GET", account_key(id)};
  auto reply = co_await redis_.exec(std::move(get));
  if (!reply) co_return reply.error();
  co_return parse(*reply);
}

boost::asio::awaitable<Result<std::optional<AccountRecord>>> AccountStore::find_by_address(
    std::string address) {
  redis::Command get{"GET", account_address_key(address)};
  auto id = co_await redis_.exec(std::move(get));
  if (!id) co_return id.error();
  if (id->type != redis::Reply::Type::string) co_return std::optional<AccountRecord>();
  co_return co_await this->get(id->str);
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
  std::vector<std::string> keys{account_key(id), account_sessions_key(id)};
  std::vector<std::string> args{record.SerializeAsString(), by, id};
  auto reply = co_await redis_.eval(disable_script(), std::move(keys), std::move(args));
  if (!reply) co_return reply.error();
  if (reply->is_error()) co_return std::make_error_code(std::errc::io_error);
  co_return reply->str == "ok" ? DisableOutcome::disabled : DisableOutcome::not_found;
}

}  // namespace tocsin::auth
