#include "auth/token_store.h"

#include <algorithm>
#include <chrono>

#include "audit/audit_relay.h"
#include "auth/auth_keys.h"
#include "auth/role_proto.h"
#include "auth/token.h"
#include "proto/tocsin.pb.h"
#include "redis/client.h"
#include "redis/decode.h"

namespace tocsin::auth {
namespace {

int64_t now_unix() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

boost::asio::awaitable<Result<std::string>> TokenStore::create(const NewToken& request) {
  TokenRecord record;
  record.set_name(request.name);
  record.set_role(role_to_proto(request.role));
  for (const auto& region : request.regions) record.add_regions(region);
  record.set_created_at_unix(now_unix());
  record.set_created_by(request.created_by);
  if (request.ttl_days > 0) record.set_expires_at_unix(now_unix() + request.ttl_days * 86400);

  std::string token = generate_token();
  const std::string hash = hash_token(token);
  // One MULTI so a token never exists without its index entry and its audit line.
  // Built outside the co_await: g++ 12 miscompiles braced lists inside co_await operands.
  std::vector<redis::Command> commands{
      {"MULTI"},
      {"SET", keys::token(hash), record.SerializeAsString(), "NX"},
      {"SADD", std::string(keys::kTokens), hash},
      {"XADD", std::string(keys::kAudit), "*", "actor", request.created_by, "action",
       "token.create", "subject", request.name, "role", std::string(role_name(request.role))},
      {"EXEC"},
  };
  auto replies = co_await redis_.exec_pipeline(std::move(commands));
  if (!replies) co_return replies.error();
  // SET NX answers nil when the key exists.
  auto written =
      redis::decode_exec<std::optional<std::string>, redis::Ignore, redis::Ignore>(replies);
  if (!written || !std::get<0>(*written)) {
    // A SET NX collision on 256 random bits means the generator is broken: refuse.
    co_return std::make_error_code(std::errc::io_error);
  }
  co_await audit::relay(redis_, std::string(keys::kAudit));
  co_return token;
}

boost::asio::awaitable<Result<std::optional<Principal>>> TokenStore::lookup(std::string token) {
  redis::Command get{"GET", token_key(token)};
  auto reply = co_await redis_.exec(std::move(get));
  if (!reply) co_return reply.error();
  std::optional<Principal> none;
  // Anything but a stored record (nil, another type) is no token.
  auto stored = redis::decode<std::string>(*reply);
  if (!stored) co_return none;
  TokenRecord record;
  if (!record.ParseFromString(*stored)) co_return none;
  auto role = role_from_proto(record.role());
  if (!role) co_return none;
  if (record.expires_at_unix() != 0 && record.expires_at_unix() <= now_unix()) co_return none;
  Principal principal;
  principal.name = record.name();
  principal.token_id = token_id(token);
  principal.role = *role;
  principal.regions.assign(record.regions().begin(), record.regions().end());
  co_return std::optional<Principal>(std::move(principal));
}

boost::asio::awaitable<Result<std::vector<TokenStore::Listed>>> TokenStore::list() {
  redis::Command members{"SMEMBERS", std::string(keys::kTokens)};
  auto hashes = co_await redis_.exec(std::move(members));
  if (!hashes) co_return hashes.error();
  std::vector<Listed> tokens;
  // A reply that does not read lists no token, as an empty set.
  const auto ids = redis::decode<std::vector<std::string>>(*hashes);
  if (!ids || ids->empty()) co_return tokens;
  redis::Command get{"MGET"};
  for (const auto& hash : *ids) get.push_back(keys::token(hash));
  auto records = co_await redis_.exec(std::move(get));
  if (!records) co_return records.error();
  // One element per token: its record, or nil when deleted meanwhile.
  const auto stored = redis::decode<std::vector<redis::Reply>>(*records);
  for (size_t i = 0; stored && i < stored->size() && i < ids->size(); ++i) {
    Listed listed;
    const auto record = redis::decode<std::string>((*stored)[i]);
    if (!record || !listed.record.ParseFromString(*record)) continue;  // deleted meanwhile
    listed.id = (*ids)[i].substr(0, 16);
    tokens.push_back(std::move(listed));
  }
  std::sort(tokens.begin(), tokens.end(), [](const Listed& a, const Listed& b) {
    return a.record.name() != b.record.name() ? a.record.name() < b.record.name() : a.id < b.id;
  });
  co_return tokens;
}

boost::asio::awaitable<Result<bool>> TokenStore::revoke(std::string id, std::string by) {
  if (id.size() != 16) co_return false;
  redis::Command members{"SMEMBERS", std::string(keys::kTokens)};
  auto hashes = co_await redis_.exec(std::move(members));
  if (!hashes) co_return hashes.error();
  std::string hash;
  // A reply that does not read holds no token, as an empty set.
  if (auto ids = redis::decode<std::vector<std::string>>(*hashes)) {
    for (const auto& element : *ids) {
      if (element.starts_with(id)) hash = element;
    }
  }
  if (hash.empty()) co_return false;
  std::vector<redis::Command> commands{
      {"MULTI"},
      {"DEL", keys::token(hash)},
      {"SREM", std::string(keys::kTokens), hash},
      {"XADD", std::string(keys::kAudit), "*", "actor", by, "action", "token.revoke",
       "subject", id},
      {"EXEC"},
  };
  auto replies = co_await redis_.exec_pipeline(std::move(commands));
  if (!replies) co_return replies.error();
  auto done = redis::decode_exec<int64_t, redis::Ignore, redis::Ignore>(replies);
  if (!done) co_return std::make_error_code(std::errc::io_error);
  co_await audit::relay(redis_, std::string(keys::kAudit));
  co_return std::get<0>(*done) == 1;
}

}  // namespace tocsin::auth
