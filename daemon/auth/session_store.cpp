#include "auth/session_store.h"

#include <algorithm>

#include "audit/audit_relay.h"
#include "auth/account_sessions.h"
#include "auth/account_store.h"
#include "auth/auth_keys.h"
#include "auth/code_attempt.lua.h"
#include "auth/role_proto.h"
#include "auth/session_open.lua.h"
#include "auth/session_touch.lua.h"
#include "auth/sessions_close_all.lua.h"
#include "auth/sign_in_count.lua.h"
#include "auth/sign_in_limits.h"
#include "auth/token.h"
#include "redis/client.h"
#include "redis/decode.h"
#include "redis/script.h"

namespace tocsin::auth {
namespace {

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

const redis::Script& count_script() {
  static const redis::Script script(std::string(lua::sign_in_count));
  return script;
}
const redis::Script& attempt_script() {
  static const redis::Script script(std::string(lua::code_attempt));
  return script;
}
const redis::Script& open_script() {
  static const redis::Script script(std::string(lua::session_open));
  return script;
}
const redis::Script& touch_script() {
  static const redis::Script script(std::string(lua::session_touch));
  return script;
}
const redis::Script& close_all_script() {
  static const redis::Script script(std::string(lua::sessions_close_all));
  return script;
}

}  // namespace

std::string session_key(std::string_view session_id) {
  return keys::session(hash_token(session_id));
}

SessionStore::SessionStore(redis::Client& redis, AccountStore& accounts, SessionLimits limits)
    : redis_(redis), accounts_(accounts), limits_(limits) {
  for (const auto* script :
       {&count_script(), &attempt_script(), &open_script(), &touch_script(), &close_all_script()}) {
    redis_.load_on_connect(*script);
  }
}

boost::asio::awaitable<Result<int64_t>> SessionStore::count(std::string counter) {
  std::vector<std::string> keys{keys::sign_in_count(counter)};
  std::vector<std::string> args{std::to_string(kLimitWindowSeconds)};
  co_return redis::decode<int64_t>(
      co_await redis_.eval(count_script(), std::move(keys), std::move(args)));
}

boost::asio::awaitable<Result<bool>> SessionStore::store_code(const AccountRecord& account,
                                                              std::string hash, std::string salt,
                                                              int64_t expires_at_ms,
                                                              std::string channel) {
  const std::string key = keys::sign_in_code(account.id());
  // Redis forgets it a minute after it stops being good (the judge reads expires_at_ms).
  const int64_t ttl_ms = std::max<int64_t>(expires_at_ms - now_ms(), 0) + 60'000;
  std::vector<redis::Command> commands{
      {"MULTI"},
      {"DEL", key},
      {"HSET", key, "hash", std::move(hash), "salt", std::move(salt), "expires_at_ms",
       std::to_string(expires_at_ms), "attempts", "0"},
      {"PEXPIRE", key, std::to_string(ttl_ms)},
      {"XADD", std::string(keys::kAudit), "*", "actor", account.name(), "action",
       "sign_in.code_sent", "subject", account.id(), "detail", "channel=" + channel},
      {"EXEC"},
  };
  auto stored = redis::decode_exec<redis::Ignore, redis::Ignore, redis::Ignore, redis::Ignore>(
      co_await redis_.exec_pipeline(std::move(commands)));
  if (!stored) co_return stored.error();
  co_await audit::relay(redis_, std::string(keys::kAudit));
  co_return true;
}

boost::asio::awaitable<Result<std::optional<CodeAttempt>>> SessionStore::take_attempt(
    std::string account_id, int64_t now_ms) {
  std::vector<std::string> keys{keys::sign_in_code(account_id)};
  std::vector<std::string> args{std::to_string(kAttemptsPerCode), std::to_string(now_ms)};
  auto reply = co_await redis_.eval(attempt_script(), std::move(keys), std::move(args));
  using Row = std::tuple<int64_t, std::string, std::string, std::string>;
  auto row = redis::decode<std::optional<Row>>(reply);
  if (!row) co_return row.error();
  std::optional<CodeAttempt> attempt;
  if (!*row) co_return attempt;
  auto& [number, hash, salt, expires] = **row;
  attempt.emplace();
  attempt->attempt = static_cast<int>(number);
  attempt->hash = std::move(hash);
  attempt->salt = std::move(salt);
  // A damaged record is an expired code.
  if (!redis::decoding::parse_integer(expires, attempt->expires_at_ms)) attempt->expires_at_ms = 0;
  co_return attempt;
}

boost::asio::awaitable<Result<bool>> SessionStore::spend_code(std::string account_id) {
  redis::Command del{"DEL", keys::sign_in_code(account_id)};
  auto deleted = redis::decode<int64_t>(co_await redis_.exec(std::move(del)));
  if (!deleted) co_return deleted.error();
  co_return *deleted == 1;
}

boost::asio::awaitable<Result<std::string>> SessionStore::open(const AccountRecord& account) {
  const std::string id = random_base64url(32);
  const std::string key = session_key(id);
  const int64_t absolute_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(limits_.absolute).count();
  const int64_t idle_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(limits_.idle).count();
  // The account's sessions so far, for the script to forget those expired.
  auto sessions = co_await read_account_sessions(redis_, account.id());
  if (!sessions) co_return sessions.error();
  std::vector<std::string> keys{key, keys::account_sessions(account.id()),
                                std::string(keys::kAudit)};
  keys.insert(keys.end(), sessions->begin(), sessions->end());
  std::vector<std::string> args{account.id(), std::to_string(now_ms() + absolute_ms),
                                std::to_string(std::min(idle_ms, absolute_ms)), account.name(),
                                "session=" + hash_token(id).substr(0, 16)};
  auto opened = redis::decode<redis::Ignore>(
      co_await redis_.eval(open_script(), std::move(keys), std::move(args)));
  if (!opened) co_return opened.error();
  co_await audit::relay(redis_, std::string(keys::kAudit));
  co_return id;
}

boost::asio::awaitable<Result<std::optional<Principal>>> SessionStore::lookup(
    std::string session_id) {
  std::optional<Principal> none;
  const std::string key = session_key(session_id);
  redis::Command get{"HMGET", key, "account", "expires_at_ms"};
  auto reply = co_await redis_.exec(std::move(get));
  if (!reply) co_return reply.error();
  // A session gone (both nil) or damaged reads as no session.
  auto session = redis::decode<std::tuple<std::string, int64_t>>(*reply);
  if (!session) co_return none;
  auto& [account_id, expires_at_ms] = *session;
  if (expires_at_ms <= now_ms()) co_return none;
  auto account = co_await accounts_.get(account_id);
  if (!account) co_return account.error();
  // Disabling deletes the sessions; this also refuses one opened while it happened.
  if (!*account || (*account)->disabled()) co_return none;
  const auto role = role_from_proto((*account)->role());
  if (!role) co_return none;
  Principal principal;
  principal.name = (*account)->name();
  // Names the person, not the session: the approval rule compares who acted.
  principal.token_id = "account:" + (*account)->id();
  principal.role = *role;
  principal.regions.assign((*account)->regions().begin(), (*account)->regions().end());
  principal.account_id = (*account)->id();
  principal.session_key = key;
  co_return principal;
}

boost::asio::awaitable<void> SessionStore::touch(const Principal& principal) {
  if (principal.session_key.empty()) co_return;
  std::vector<std::string> keys{principal.session_key};
  std::vector<std::string> args{
      std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(limits_.idle).count()),
      std::to_string(now_ms())};
  // A failed renewal costs at worst an earlier sign-out: not worth failing the request.
  co_await redis_.eval(touch_script(), std::move(keys), std::move(args));
}

boost::asio::awaitable<Result<int64_t>> SessionStore::close(const Principal& principal,
                                                            bool everywhere) {
  if (everywhere) co_return co_await close_all(principal);
  const std::string hash = principal.session_key.substr(keys::session("").size(), 16);
  std::vector<redis::Command> commands{
      {"MULTI"},
      {"DEL", principal.session_key},
      {"SREM", keys::account_sessions(principal.account_id), principal.session_key},
      {"XADD", std::string(keys::kAudit), "*", "actor", principal.name, "action",
       "session.sign_out", "subject", principal.account_id, "detail", "session=" + hash},
      {"EXEC"},
  };
  auto closed = redis::decode_exec<int64_t, redis::Ignore, redis::Ignore>(
      co_await redis_.exec_pipeline(std::move(commands)));
  if (!closed) co_return closed.error();
  co_await audit::relay(redis_, std::string(keys::kAudit));
  co_return std::get<0>(*closed);
}

boost::asio::awaitable<Result<int64_t>> SessionStore::close_all(const Principal& principal) {
  for (int tries = 0; tries < kSessionReadTries; ++tries) {
    auto sessions = co_await read_account_sessions(redis_, principal.account_id);
    if (!sessions) co_return sessions.error();
    std::vector<std::string> keys{keys::account_sessions(principal.account_id),
                                  std::string(keys::kAudit)};
    keys.insert(keys.end(), sessions->begin(), sessions->end());
    std::vector<std::string> args{principal.name, principal.account_id};
    auto ended = redis::decode<int64_t>(
        co_await redis_.eval(close_all_script(), std::move(keys), std::move(args)));
    if (!ended) co_return ended.error();
    if (*ended < 0) continue;  // a sign-in meanwhile: read the set again
    co_await audit::relay(redis_, std::string(keys::kAudit));
    co_return *ended;
  }
  // Someone signed in to the account at every try: said as Redis unavailable, to retry.
  co_return std::make_error_code(std::errc::resource_unavailable_try_again);
}

}  // namespace tocsin::auth
