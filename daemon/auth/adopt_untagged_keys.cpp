#include "auth/adopt_untagged_keys.h"

#include <spdlog/spdlog.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "auth/auth_keys.h"
#include "proto/tocsin.pb.h"
#include "redis/client.h"
#include "redis/decode.h"

namespace tocsin::auth {
namespace asio = boost::asio;
namespace {

using Strings = std::vector<std::string>;

// What an older tocsind left: its account ids and token hashes, and each account's keys.
struct Found {
  Strings accounts;
  Strings tokens;
  struct Account {
    std::string id;
    std::optional<std::string> record;
    Strings sessions;  // the old set's members: "session:<hash>"
    bool code = false;
  };
  std::vector<Account> details;
};

asio::awaitable<Result<Found>> read_untagged(redis::Client& redis) {
  namespace old = keys::untagged;
  std::vector<redis::Command> reads{{"SMEMBERS", std::string(old::kAccounts)},
                                    {"SMEMBERS", std::string(old::kTokens)}};
  auto sets = redis::decode_each<Strings, Strings>(co_await redis.exec_pipeline(std::move(reads)));
  if (!sets) co_return sets.error();
  Found found;
  found.accounts = std::move(std::get<0>(*sets));
  found.tokens = std::move(std::get<1>(*sets));
  if (found.accounts.empty()) co_return found;
  std::vector<redis::Command> details;
  for (const auto& id : found.accounts) {
    details.push_back({"GET", old::account(id)});
    details.push_back({"SMEMBERS", old::account_sessions(id)});
    details.push_back({"EXISTS", old::sign_in_code(id)});
  }
  auto replies = co_await redis.exec_pipeline(std::move(details));
  if (!replies) co_return replies.error();
  for (size_t i = 0; i < found.accounts.size(); ++i) {
    auto record = redis::decode<std::optional<std::string>>((*replies)[3 * i]);
    auto sessions = redis::decode<Strings>((*replies)[3 * i + 1]);
    auto code = redis::decode<bool>((*replies)[3 * i + 2]);
    if (!record) co_return record.error();
    if (!sessions) co_return sessions.error();
    if (!code) co_return code.error();
    found.details.push_back({found.accounts[i], std::move(*record), std::move(*sessions), *code});
  }
  co_return found;
}

// The commands that move what `found` names, and how many keys they move.
size_t add_moves(const Found& found, std::vector<redis::Command>& move) {
  namespace old = keys::untagged;
  size_t keys_moved = 0;
  const auto rename = [&](std::string from, std::string to) {
    move.push_back({"RENAME", std::move(from), std::move(to)});
    ++keys_moved;
  };
  if (!found.accounts.empty()) {
    move.push_back({"SUNIONSTORE", std::string(keys::kAccounts), std::string(keys::kAccounts),
                    std::string(old::kAccounts)});
    move.push_back({"DEL", std::string(old::kAccounts)});
    ++keys_moved;
  }
  for (const auto& account : found.details) {
    if (account.record) {
      rename(old::account(account.id), keys::account(account.id));
      AccountRecord record;
      if (record.ParseFromString(*account.record)) {
        // The claims the record names (a claim of another account stays where it is).
        for (const auto* address : {&record.mobile(), &record.email()}) {
          if (address->empty()) continue;
          move.push_back(
              {"RENAME", old::account_address(*address), keys::account_address(*address)});
          ++keys_moved;
        }
      }
    }
    if (!account.sessions.empty()) {
      redis::Command add{"SADD", keys::account_sessions(account.id)};
      for (const auto& session : account.sessions) {
        if (!session.starts_with(old::kSessionPrefix)) continue;
        const std::string hash = session.substr(old::kSessionPrefix.size());
        rename(session, keys::session(hash));
        add.push_back(keys::session(hash));
      }
      if (add.size() > 2) move.push_back(std::move(add));
      move.push_back({"DEL", old::account_sessions(account.id)});
    }
    if (account.code) rename(old::sign_in_code(account.id), keys::sign_in_code(account.id));
  }
  if (!found.tokens.empty()) {
    move.push_back({"SUNIONSTORE", std::string(keys::kTokens), std::string(keys::kTokens),
                    std::string(old::kTokens)});
    move.push_back({"DEL", std::string(old::kTokens)});
    ++keys_moved;
    for (const auto& hash : found.tokens) rename(old::token(hash), keys::token(hash));
  }
  return keys_moved;
}

}  // namespace

asio::awaitable<Result<size_t>> adopt_untagged_keys(redis::Client& redis) {
  auto found = co_await read_untagged(redis);
  if (!found) co_return found.error();
  if (found->accounts.empty() && found->tokens.empty()) co_return size_t{0};
  std::vector<redis::Command> move{{"MULTI"}};
  const size_t keys_moved = add_moves(*found, move);
  move.push_back({"EXEC"});
  auto replies = co_await redis.exec_pipeline(std::move(move));
  if (!replies) co_return replies.error();
  const redis::Reply& exec = replies->back();
  if (exec.type != redis::Reply::Type::array) {
    co_return make_error_code(exec.is_error() ? redis::Errc::server_error
                                              : redis::Errc::unexpected_reply);
  }
  // A RENAME of a key that is not there (a session or code that expired since it was read,
  // a claim missing) fails alone; the rest of the transaction still ran.
  size_t gone = 0;
  for (const auto& element : exec.elements) gone += element.is_error() ? 1 : 0;
  spdlog::info("event=auth_keys_adopted accounts={} tokens={} keys={} missing={}",
               found->accounts.size(), found->tokens.size(), keys_moved - gone, gone);
  co_return keys_moved - gone;
}

}  // namespace tocsin::auth
