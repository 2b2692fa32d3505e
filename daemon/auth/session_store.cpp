#include "auth/session_store.h"

#include <algorithm>

#include "auth/account_store.h"
#include "auth/role_proto.h"
#include "auth/sign_in_limits.h"
#include "auth/token.h"
#include "redis/client.h"
#include "redis/script.h"

namespace tocsin::auth {
namespace {

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string code_key(std::string_view account_id) {
  return "sign_in_code:" + std::string(account_id);
}

// KEYS: the counter. ARGV: window seconds. A fixed window from the first event.
const redis::Script& count_script() {
  static const redis::Script script(R"lua(
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n
)lua");
  return script;
}

// KEYS: the code. ARGV: attempts per code, now (ms). An expired code is reported without
// counting (attempt 0) and left for its Redis TTL. Otherwise counts the attempt (not with
// HINCRBY alone, which would create a code) and deletes the code at the last allowed
// attempt, before the caller compares: concurrent guesses get no more comparisons than
// that.
const redis::Script& attempt_script() {
  static const redis::Script script(R"lua(
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local code = redis.call('HMGET', KEYS[1], 'hash', 'salt', 'expires_at_ms')
local expires = code[3] or '0'
if (tonumber(expires) or 0) <= tonumber(ARGV[2]) then return {0, '', '', expires} end
local n = redis.call('HINCRBY', KEYS[1], 'attempts', 1)
if n >= tonumber(ARGV[1]) then redis.call('DEL', KEYS[1]) end
return {n, code[1] or '', code[2] or '', expires}
)lua");
  return script;
}

// KEYS: the session, account_sessions. ARGV: account id, absolute expiry (ms), idle (ms),
// actor, audit detail. Also forgets the account's sessions that expired by themselves, so
// the set stays as small as the sessions alive.
const redis::Script& open_script() {
  static const redis::Script script(R"lua(
for _, session in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  if redis.call('EXISTS', session) == 0 then redis.call('SREM', KEYS[2], session) end
end
redis.call('HSET', KEYS[1], 'account', ARGV[1], 'expires_at_ms', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('SADD', KEYS[2], KEYS[1])
redis.call('XADD', 'audit', '*', 'actor', ARGV[4], 'action', 'session.sign_in',
           'subject', ARGV[1], 'detail', ARGV[5])
return 1
)lua");
  return script;
}

// KEYS: the session. ARGV: idle ms, now ms. Renews the idle TTL, never past the absolute
// expiry.
const redis::Script& touch_script() {
  static const redis::Script script(R"lua(
local expires = redis.call('HGET', KEYS[1], 'expires_at_ms')
if not expires then return 0 end
local left = tonumber(expires) - tonumber(ARGV[2])
if left <= 0 then redis.call('DEL', KEYS[1]) return 0 end
redis.call('PEXPIRE', KEYS[1], math.min(tonumber(ARGV[1]), left))
return 1
)lua");
  return script;
}

// KEYS: account_sessions. ARGV: actor, account id. Deletes every session of the account.
const redis::Script& close_all_script() {
  static const redis::Script script(R"lua(
local sessions = redis.call('SMEMBERS', KEYS[1])
local ended = 0
for _, session in ipairs(sessions) do ended = ended + redis.call('DEL', session) end
redis.call('DEL', KEYS[1])
redis.call('XADD', 'audit', '*', 'actor', ARGV[1], 'action', 'session.sign_out_everywhere',
           'subject', ARGV[2], 'detail', 'sessions_ended=' .. ended)
return ended
)lua");
  return script;
}

}  // namespace

std::string session_key(std::string_view session_id) {
  return "session:" + hash_token(session_id);
}

SessionStore::SessionStore(redis::Client& redis, AccountStore& accounts, SessionLimits limits)
    : redis_(redis), accounts_(accounts), limits_(limits) {
  for (const auto* script :
       {&count_script(), &attempt_script(), &touch_script(), &close_all_script()}) {
    redis_.load_on_connect(*script);
  }
}

boost::asio::awaitable<Result<int64_t>> SessionStore::count(std::string counter) {
  std::vector<std::string> keys{"sign_in_count:" + counter};
  std::vector<std::string> args{std::to_string(kLimitWindowSeconds)};
  auto reply = co_await redis_.eval(count_script(), std::move(keys), std::move(args));
  if (!reply) co_return reply.error();
  if (reply->type != redis::Reply::Type::integer) {
    co_return std::make_error_code(std::errc::io_error);
  }
  co_return reply->integer;
}

boost::asio::awaitable<Result<bool>> SessionStore::store_code(const AccountRecord& account,
                                                              std::string hash, std::string salt,
                                                              int64_t expires_at_ms,
                                                              std::string channel) {
  const std::string key = code_key(account.id());
  // Redis forgets it a minute after it stops being good (the judge reads expires_at_ms).
  const int64_t ttl_ms = std::max<int64_t>(expires_at_ms - now_ms(), 0) + 60'000;
  std::vector<redis::Command> commands{
      {"MULTI"},
      {"DEL", key},
      {"HSET", key, "hash", std::move(hash), "salt", std::move(salt), "expires_at_ms",
       std::to_string(expires_at_ms), "attempts", "0"},
      {"PEXPIRE", key, std::to_string(ttl_ms)},
      {"XADD", "audit", "*", "actor", account.name(), "action", "sign_in.code_sent", "subject",
       account.id(), "detail", "channel=" + channel},
      {"EXEC"},
  };
  auto replies = co_await redis_.exec_pipeline(std::move(commands));
  if (!replies) co_return replies.error();
  if (replies->back().is_error() || replies->back().elements.size() != 4) {
    co_return std::make_error_code(std::errc::io_error);
  }
  co_return true;
}

boost::asio::awaitable<Result<std::optional<CodeAttempt>>> SessionStore::take_attempt(
    std::string account_id, int64_t now_ms) {
  std::vector<std::string> keys{code_key(account_id)};
  std::vector<std::string> args{std::to_string(kAttemptsPerCode), std::to_string(now_ms)};
  auto reply = co_await redis_.eval(attempt_script(), std::move(keys), std::move(args));
  if (!reply) co_return reply.error();
  std::optional<CodeAttempt> attempt;
  if (reply->type != redis::Reply::Type::array || reply->elements.size() != 4) co_return attempt;
  attempt.emplace();
  attempt->attempt = static_cast<int>(reply->elements[0].integer);
  attempt->hash = reply->elements[1].str;
  attempt->salt = reply->elements[2].str;
  try {
    attempt->expires_at_ms = std::stoll(reply->elements[3].str);
  } catch (const std::exception&) {
    attempt->expires_at_ms = 0;  // a damaged record is an expired code
  }
  co_return attempt;
}

boost::asio::awaitable<Result<bool>> SessionStore::spend_code(std::string account_id) {
  redis::Command del{"DEL", code_key(account_id)};
  auto reply = co_await redis_.exec(std::move(del));
  if (!reply) co_return reply.error();
  co_return reply->integer == 1;
}

boost::asio::awaitable<Result<std::string>> SessionStore::open(const AccountRecord& account) {
  const std::string id = random_base64url(32);
  const std::string key = session_key(id);
  const int64_t absolute_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(limits_.absolute).count();
  const int64_t idle_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(limits_.idle).count();
  std::vector<std::string> keys{key, account_sessions_key(account.id())};
  std::vector<std::string> args{account.id(), std::to_string(now_ms() + absolute_ms),
                                std::to_string(std::min(idle_ms, absolute_ms)), account.name(),
                                "session=" + hash_token(id).substr(0, 16)};
  auto reply = co_await redis_.eval(open_script(), std::move(keys), std::move(args));
  if (!reply) co_return reply.error();
  if (reply->is_error()) co_return std::make_error_code(std::errc::io_error);
  co_return id;
}

boost::asio::awaitable<Result<std::optional<Principal>>> SessionStore::lookup(
    std::string session_id) {
  std::optional<Principal> none;
  const std::string key = session_key(session_id);
  redis::Command get{"HMGET", key, "account", "expires_at_ms"};
  auto reply = co_await redis_.exec(std::move(get));
  if (!reply) co_return reply.error();
  if (reply->elements.size() != 2 || reply->elements[0].type != redis::Reply::Type::string) {
    co_return none;
  }
  int64_t expires_at_ms = 0;
  try {
    expires_at_ms = std::stoll(reply->elements[1].str);
  } catch (const std::exception&) {
    co_return none;
  }
  if (expires_at_ms <= now_ms()) co_return none;
  auto account = co_await accounts_.get(reply->elements[0].str);
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
  if (everywhere) {
    std::vector<std::string> keys{account_sessions_key(principal.account_id)};
    std::vector<std::string> args{principal.name, principal.account_id};
    auto reply = co_await redis_.eval(close_all_script(), std::move(keys), std::move(args));
    if (!reply) co_return reply.error();
    if (reply->type != redis::Reply::Type::integer) {
      co_return std::make_error_code(std::errc::io_error);
    }
    co_return reply->integer;
  }
  std::vector<redis::Command> commands{
      {"MULTI"},
      {"DEL", principal.session_key},
      {"SREM", account_sessions_key(principal.account_id), principal.session_key},
      {"XADD", "audit", "*", "actor", principal.name, "action", "session.sign_out", "subject",
       principal.account_id, "detail",
       "session=" + principal.session_key.substr(std::string_view("session:").size(), 16)},
      {"EXEC"},
  };
  auto replies = co_await redis_.exec_pipeline(std::move(commands));
  if (!replies) co_return replies.error();
  if (replies->back().is_error() || replies->back().elements.size() != 3) {
    co_return std::make_error_code(std::errc::io_error);
  }
  co_return replies->back().elements[0].integer;
}

}  // namespace tocsin::auth
