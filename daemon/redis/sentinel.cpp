#include "redis/sentinel.h"

#include <spdlog/spdlog.h>

#include <charconv>

#include "log/log.h"
#include "redis/one_shot.h"

namespace tocsin::redis {
namespace {

namespace asio = boost::asio;
using Command = std::vector<std::string>;

// One sentinel's answer, or why there is none.
asio::awaitable<std::optional<Endpoint>> ask(asio::any_io_executor executor,
                                             const Endpoint& sentinel,
                                             const SentinelOptions& options,
                                             std::chrono::milliseconds timeout, std::string* why) {
  Command question{"SENTINEL", "get-master-addr-by-name", options.master_name};
  auto reply =
      co_await ask_once(executor, sentinel, options.password, std::move(question), timeout, why);
  if (!reply) co_return std::nullopt;
  if (reply->type != Reply::Type::array || reply->elements.size() != 2) {
    *why = sentinel.describe() + ": " +
           (reply->is_error() ? reply->str
                              : "knows no master named " + log::quote(options.master_name));
    co_return std::nullopt;
  }
  Endpoint master;
  master.host = reply->elements[0].str;
  const std::string& port = reply->elements[1].str;
  auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), master.port);
  if (error != std::errc() || end != port.data() + port.size() || master.host.empty()) {
    *why = sentinel.describe() + ": an address that is none";
    co_return std::nullopt;
  }
  co_return master;
}

}  // namespace

asio::awaitable<std::optional<Endpoint>> ask_sentinels(asio::any_io_executor executor,
                                                       const SentinelOptions& options,
                                                       std::chrono::milliseconds timeout,
                                                       std::string* why) {
  std::string reasons;
  for (const Endpoint& sentinel : options.sentinels) {
    std::string reason;
    auto master = co_await ask(executor, sentinel, options, timeout, &reason);
    if (master) co_return master;
    reasons += (reasons.empty() ? "" : "; ") + reason;
  }
  *why =
      "no sentinel said where master " + log::quote(options.master_name) + " is (" + reasons + ")";
  co_return std::nullopt;
}

bool reports_master(const Reply& role) {
  return reported_role(role) == "master";
}

std::string reported_role(const Reply& role) {
  if (role.type != Reply::Type::array || role.elements.empty()) {
    return role.is_error() ? role.str : "no role";
  }
  return role.elements[0].str;
}

}  // namespace tocsin::redis
