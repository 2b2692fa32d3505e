#include "api/hook_intake.h"

#include <spdlog/spdlog.h>

#include "alerts/random_id.h"
#include "dispatch/receipt_store.h"
#include "log/log.h"
#include "redis/errors.h"
#include "replies/inbound_store.h"
#include "spool/spool.h"

namespace tocsin::api {
namespace {

adapters::ReceiptState receipt_state(hooks::Receipt::State state) {
  switch (state) {
    case hooks::Receipt::SENT:
      return adapters::ReceiptState::sent;
    case hooks::Receipt::DELIVERED:
      return adapters::ReceiptState::delivered;
    case hooks::Receipt::FAILED:
      return adapters::ReceiptState::failed;
    default:
      return adapters::ReceiptState::queued;
  }
}

hooks::Receipt::State receipt_state(adapters::ReceiptState state) {
  switch (state) {
    case adapters::ReceiptState::sent:
      return hooks::Receipt::SENT;
    case adapters::ReceiptState::delivered:
      return hooks::Receipt::DELIVERED;
    case adapters::ReceiptState::failed:
      return hooks::Receipt::FAILED;
    case adapters::ReceiptState::queued:
      break;
  }
  return hooks::Receipt::QUEUED;
}

// Redis did not answer (as opposed to answering with an error): worth trying again as is.
bool redis_away(std::error_code error) {
  return error == redis::Errc::not_connected || error == redis::Errc::connection_lost ||
         error == redis::Errc::stopped;
}

std::string_view kind(const hooks::Hook& hook) {
  return hook.has_reply() ? "reply" : "receipt";
}

}  // namespace

hooks::Hook reply_hook(const std::string& gateway, const adapters::InboundMessage& message,
                       int64_t received_at_ms) {
  hooks::Hook hook;
  hook.set_gateway(gateway);
  hook.set_received_at_ms(received_at_ms);
  hooks::Reply& reply = *hook.mutable_reply();
  reply.set_from(message.from);
  reply.set_to(message.to);
  reply.set_text(message.text);
  reply.set_provider_message_id(message.provider_message_id);
  return hook;
}

hooks::Hook receipt_hook(const std::string& gateway, const adapters::DeliveryReceipt& receipt,
                         int64_t received_at_ms) {
  hooks::Hook hook;
  hook.set_gateway(gateway);
  hook.set_received_at_ms(received_at_ms);
  hooks::Receipt& kept = *hook.mutable_receipt();
  kept.set_message_id(receipt.message_id);
  kept.set_state(receipt_state(receipt.state));
  kept.set_provider_status(receipt.provider_status);
  kept.set_error_code(receipt.error_code);
  return hook;
}

HookIntake::HookIntake(replies::InboundStore& inbound, dispatch::ReceiptStore& receipts,
                       spool::Spool* spool, std::function<bool()> redis_ready)
    : inbound_(inbound), receipts_(receipts), spool_(spool), redis_ready_(std::move(redis_ready)) {}

boost::asio::awaitable<std::error_code> HookIntake::store(const hooks::Hook& hook) {
  if (hook.has_reply()) {
    const hooks::Reply& reply = hook.reply();
    const adapters::InboundMessage message{reply.from(), reply.to(), reply.text(),
                                           reply.provider_message_id()};
    std::string fallback_id;
    if (!hook.spool_id().empty()) fallback_id = "spool:" + hook.spool_id();
    auto stored = co_await inbound_.store(hook.gateway(), message, hook.received_at_ms(),
                                          std::move(fallback_id));
    co_return stored ? std::error_code() : stored.error();
  }
  if (hook.has_receipt()) {
    const hooks::Receipt& kept = hook.receipt();
    const adapters::DeliveryReceipt receipt{kept.message_id(), receipt_state(kept.state()),
                                            kept.provider_status(), kept.error_code()};
    auto applied = co_await receipts_.apply(hook.gateway(), receipt);
    co_return applied ? std::error_code() : applied.error();
  }
  co_return std::make_error_code(std::errc::invalid_argument);
}

boost::asio::awaitable<Taken> HookIntake::take(hooks::Hook hook) {
  // Its own id, given before the first try, for a reply without a provider id: one whose
  // store reached Redis but whose answer was lost with the connection, then spooled, is
  // recognised when replayed (replies/inbound_store.h). Receipts and replies with a
  // provider id need none, and most webhooks are those: no random draw for them.
  if (hook.has_reply() && hook.reply().provider_message_id().empty()) {
    hook.set_spool_id(alerts::random_id(20));
  }
  const bool queue_behind = spool_ != nullptr && spool_->holding();
  const bool tried = !queue_behind && redis_ready_();
  if (tried) {
    const std::error_code error = co_await store(hook);
    if (!error) co_return Taken::stored;
    spdlog::warn("event=hook_store_failed kind={} gateway={} error={}", kind(hook),
                 log::quote(hook.gateway()), log::quote(error.message()));
  }
  if (spool_ == nullptr) co_return Taken::failed;
  auto appended = co_await spool_->append(hook.SerializeAsString());
  if (!appended) {
    spdlog::error("event=spool_write_failed kind={} gateway={} directory={} error={}", kind(hook),
                  log::quote(hook.gateway()), log::quote(spool_->directory().string()),
                  log::quote(appended.error().message()));
    co_return Taken::failed;
  }
  if (*appended == spool::Appended::full) {
    spdlog::error("event=spool_full kind={} gateway={} records={} bytes={} max_bytes={}",
                  kind(hook), log::quote(hook.gateway()), spool_->pending_records(),
                  spool_->bytes(), spool_->max_bytes());
    co_return Taken::full;
  }
  if (!queue_behind) {
    spdlog::warn("event=spool_started kind={} gateway={} reason={}", kind(hook),
                 log::quote(hook.gateway()), tried ? "store_failed" : "redis_unavailable");
  }
  co_return Taken::spooled;
}

boost::asio::awaitable<spool::Replayed> HookIntake::replay(const std::string& payload) {
  hooks::Hook hook;
  if (!hook.ParseFromString(payload) || (!hook.has_reply() && !hook.has_receipt())) {
    spdlog::error("event=spool_record_unreadable bytes={}", payload.size());
    co_return spool::Replayed::refused;
  }
  if (!redis_ready_()) co_return spool::Replayed::later;
  const std::error_code error = co_await store(hook);
  if (!error) co_return spool::Replayed::done;
  if (redis_away(error)) co_return spool::Replayed::later;
  spdlog::warn("event=spool_replay_refused kind={} gateway={} error={}", kind(hook),
               log::quote(hook.gateway()), log::quote(error.message()));
  co_return spool::Replayed::refused;
}

}  // namespace tocsin::api
