#include "dispatch/receipt_store.h"

#include <string>

#include "redis/client.h"
#include "redis/script.h"
#include "turnout/reach_lua.h"

namespace tocsin::dispatch {
namespace {

// KEYS: the msg:{gateway}:{id} key. ARGV: new state ("delivered" | "failed"), the failure
// detail. The mapping is "alert|member|channel": alert ids and channels hold no '|'.
//
// A receipt can overtake the recording of its send (a provider that calls back within
// milliseconds, while the engine's batch is still on its way to Redis): it is then kept
// under KEYS[1] .. ':early' for the record script to apply when the send is recorded.
//
// The member's reach (turnout/reach_lua.h) follows: the better of their two channels'
// states, so a failed SMS of a member whose email went leaves them "sent".
const redis::Script& receipt_script() {
  static const redis::Script script(std::string(turnout::kReachLua) + R"lua(
local state = ARGV[1]
if ARGV[2] ~= '' then state = state .. ':' .. ARGV[2] end
local target = redis.call('GET', KEYS[1])
if not target then
  redis.call('SET', KEYS[1] .. ':early', state, 'EX', ARGV[3])
  return 'early'
end
local first = string.find(target, '|', 1, true)
local last = string.match(target, '^.*()|')
local id = string.sub(target, 1, first - 1)
local member = string.sub(target, first + 1, last - 1)
local channel = string.sub(target, last + 1)
local base = 'alert:{' .. id .. '}'
local field = member .. ':' .. channel
local both = redis.call('HMGET', base .. ':delivery', member .. ':sms', member .. ':email')
local current = (channel == 'sms' and both[1]) or (channel == 'email' and both[2]) or
                redis.call('HGET', base .. ':delivery', field)
if current ~= 'sent' then return 'unchanged' end
redis.call('HSET', base .. ':delivery', field, state)
redis.call('HINCRBY', base .. ':count', 'sent', -1)
redis.call('HINCRBY', base .. ':count', ARGV[1], 1)
local sms, email = both[1] or nil, both[2] or nil
local new_sms = channel == 'sms' and state or sms
local new_email = channel == 'email' and state or email
reach_log(base, member, reach_best(sms, email), reach_best(new_sms, new_email))
if #reach_log_flush() > 0 then
  turnout_flush()
  turnout_changed(base)
end
return 'changed'
)lua");
  return script;
}

}  // namespace

std::string receipt_key(std::string_view gateway, std::string_view message_id) {
  std::string key = "msg:";
  key.append(gateway).push_back(':');
  key.append(message_id);
  return key;
}

ReceiptStore::ReceiptStore(redis::Client& redis) : redis_(redis) {
  redis_.load_on_connect(receipt_script());
}

boost::asio::awaitable<Result<ReceiptStore::Applied>> ReceiptStore::apply(
    const std::string& gateway, const adapters::DeliveryReceipt& receipt) {
  using adapters::ReceiptState;
  // Queued and sent say nothing new: a message is recorded as sent once a gateway
  // accepted it.
  if (receipt.state == ReceiptState::queued || receipt.state == ReceiptState::sent) {
    co_return Applied::unchanged;
  }
  const bool delivered = receipt.state == ReceiptState::delivered;
  std::string detail;
  if (!delivered) {
    detail = receipt.provider_status.empty() ? "undelivered" : receipt.provider_status;
    if (!receipt.error_code.empty()) detail += " " + receipt.error_code;
  }
  std::vector<std::string> keys{receipt_key(gateway, receipt.message_id)};
  std::vector<std::string> args{delivered ? "delivered" : "failed", detail,
                                std::to_string(std::chrono::seconds(kReceiptTtl).count())};
  auto reply = co_await redis_.eval(receipt_script(), std::move(keys), std::move(args));
  if (!reply) co_return reply.error();
  if (reply->is_error()) co_return std::make_error_code(std::errc::io_error);
  if (reply->str == "changed") co_return Applied::changed;
  if (reply->str == "early") co_return Applied::early;
  co_return Applied::unchanged;
}

}  // namespace tocsin::dispatch
