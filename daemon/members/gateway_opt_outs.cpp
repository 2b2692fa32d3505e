#include "members/gateway_opt_outs.h"

#include "members/gateway_opt_outs.lua.h"
#include "members/member_keys.h"
#include "redis/client.h"
#include "redis/decode.h"
#include "redis/script.h"

namespace tocsin::members {

const redis::Script& gateway_opt_outs_script() {
  static const redis::Script script(std::string(lua::gateway_opt_outs));
  return script;
}

ScriptCall gateway_opt_outs_call(const std::vector<GatewayOptOut>& opt_outs) {
  ScriptCall call;
  call.keys = {keys::opt_out_registry("sms"), keys::opt_out_registry("email"),
               keys::opted_out_members("sms"), keys::opted_out_members("email")};
  call.args.reserve(3 * opt_outs.size());
  for (const auto& opt_out : opt_outs) {
    if (opt_out.channel == "sms") call.keys.push_back(keys::phone(opt_out.address));
    call.args.push_back(opt_out.channel);
    call.args.push_back(opt_out.address);
    call.args.push_back(opt_out.member_id);
  }
  return call;
}

boost::asio::awaitable<std::error_code> record_gateway_opt_outs(
    redis::Client& redis, const std::vector<GatewayOptOut>& opt_outs) {
  if (opt_outs.empty()) co_return std::error_code();
  ScriptCall call = gateway_opt_outs_call(opt_outs);
  auto read = redis::decode<int64_t>(
      co_await redis.eval(gateway_opt_outs_script(), std::move(call.keys), std::move(call.args)));
  if (!read) co_return read.error();
  co_return std::error_code();
}

}  // namespace tocsin::members
