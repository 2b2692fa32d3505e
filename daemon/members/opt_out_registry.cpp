#include "members/opt_out_registry.h"

#include "members/member_keys.h"
#include "members/opt_out_registry.lua.h"
#include "redis/client.h"
#include "redis/decode.h"
#include "redis/script.h"

namespace tocsin::members {

const redis::Script& opt_out_registry_script() {
  static const redis::Script script(std::string(lua::opt_out_registry));
  return script;
}

ScriptCall opt_out_registry_call(const std::vector<OptOutChange>& changes) {
  ScriptCall call;
  call.keys = {keys::opt_out_registry("sms"), keys::opt_out_registry("email"),
               keys::opted_out_members("sms"), keys::opted_out_members("email")};
  call.args.reserve(4 * changes.size());
  for (const auto& change : changes) {
    if (change.channel == "sms") call.keys.push_back(keys::phone(change.address));
    call.args.push_back(change.stop ? "add" : "remove");
    call.args.push_back(change.channel);
    call.args.push_back(change.address);
    call.args.push_back(change.member_id);
  }
  return call;
}

boost::asio::awaitable<std::error_code> apply_opt_out_changes(
    redis::Client& redis, const std::vector<OptOutChange>& changes) {
  if (changes.empty()) co_return std::error_code();
  ScriptCall call = opt_out_registry_call(changes);
  auto applied = redis::decode<int64_t>(
      co_await redis.eval(opt_out_registry_script(), std::move(call.keys), std::move(call.args)));
  if (!applied) co_return applied.error();
  co_return std::error_code();
}

}  // namespace tocsin::members
