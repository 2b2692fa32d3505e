#include "auth/token_store.h"

#include <chrono>

#include "auth/token.h"
#include "proto/tocsin.pb.h"
#include "redis/client.h"

namespace tocsin::auth {
namespace {

int64_t now_unix() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

tocsin::Role to_proto(Role role) {
  switch (role) {
    case Role::admin:
      return tocsin::ROLE_ADMIN;
    case Role::executive:
      return tocsin::ROLE_EXECUTIVE;
    case Role::coordinator:
      return tocsin::ROLE_COORDINATOR;
  }
  return tocsin::ROLE_UNSPECIFIED;
}

std::optional<Role> from_proto(tocsin::Role role) {
  switch (role) {
    case tocsin::ROLE_ADMIN:
      return Role::admin;
    case tocsin::ROLE_EXECUTIVE:
      return Role::executive;
    case tocsin::ROLE_COORDINATOR:
      return Role::coordinator;
    default:
      return std::nullopt;
  }
}

}  // namespace

boost::asio::awaitable<Result<std::string>> TokenStore::create(const NewToken& request) {
  TokenRecord record;
  record.set_name(request.name);
  record.set_role(to_proto(request.role));
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
      {"SET", "token:" + hash, record.SerializeAsString(), "NX"},
      {"SADD", "tokens", hash},
      {"XADD", "audit", "*", "actor", request.created_by, "action", "token.create", "subject",
       request.name, "role", std::string(role_name(request.role))},
      {"EXEC"},
  };
  auto replies = co_await redis_.exec_pipeline(std::move(commands));
  if (!replies) co_return replies.error();
  const auto& exec = replies->back();
  if (exec.is_error() || exec.elements.size() != 3 || exec.elements[0].is_nil()) {
    // A SET NX collision on 256 random bits means the generator is broken: refuse.
    co_return std::make_error_code(std::errc::io_error);
  }
  co_return token;
}

boost::asio::awaitable<Result<std::optional<Principal>>> TokenStore::lookup(std::string token) {
  redis::Command get{"GET", token_key(token)};
  auto reply = co_await redis_.exec(std::move(get));
  if (!reply) co_return reply.error();
  std::optional<Principal> none;
  if (reply->type != redis::Reply::Type::string) co_return none;
  TokenRecord record;
  if (!record.ParseFromString(reply->str)) co_return none;
  auto role = from_proto(record.role());
  if (!role) co_return none;
  if (record.expires_at_unix() != 0 && record.expires_at_unix() <= now_unix()) co_return none;
  Principal principal;
  principal.name = record.name();
  principal.token_id = token_id(token);
  principal.role = *role;
  principal.regions.assign(record.regions().begin(), record.regions().end());
  co_return std::optional<Principal>(std::move(principal));
}

}  // namespace tocsin::auth
