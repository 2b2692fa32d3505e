#include "seats/seat_store.h"

#include <charconv>
#include <vector>

#include "alerts/alert_keys.h"
#include "redis/client.h"
#include "seats/seat_record.h"
#include "seats/seat_scripts.h"

namespace tocsin::seats {

namespace keys = alerts::keys;

// Scripts are loaded at their first call (Client::eval): adding a bus is rare.
SeatStore::SeatStore(redis::Client& redis) : redis_(redis) {}

boost::asio::awaitable<AddBusOutcome> SeatStore::add_buses(const std::string& alert_id,
                                                           const std::string& pickup, int buses,
                                                           const std::string& actor,
                                                           const std::string& detail,
                                                           int64_t at_ms) {
  AddBusOutcome outcome;
  std::vector<std::string> no_keys;
  std::vector<std::string> args{alert_id, pickup, std::to_string(buses), actor, detail,
                                std::to_string(at_ms)};
  auto reply = co_await redis_.eval(add_bus_script(), std::move(no_keys), std::move(args));
  if (!reply || reply->is_error() || reply->elements.empty()) co_return outcome;
  const auto& e = reply->elements;
  const std::string& status = e[0].str;
  if (status == "ok" && e.size() == 3) {
    outcome.status = AddBusOutcome::Status::ok;
    outcome.buses = static_cast<int>(e[1].integer);
    outcome.boarded = static_cast<int>(e[2].integer);
  } else if (status == "no_alert") {
    outcome.status = AddBusOutcome::Status::no_alert;
  } else if (status == "wrong_state" && e.size() == 2) {
    outcome.status = AddBusOutcome::Status::wrong_state;
    outcome.state = e[1].str;
  } else if (status == "no_buses") {
    outcome.status = AddBusOutcome::Status::no_buses;
  }
  co_return outcome;
}

boost::asio::awaitable<std::optional<SeatView>> SeatStore::seat_of(const std::string& alert_id,
                                                                   const std::string& member_id) {
  std::vector<redis::Command> reads{{"HGET", keys::seats(alert_id), member_id},
                                    {"HGET", keys::waiting(alert_id), member_id}};
  auto replies = co_await redis_.exec_pipeline(std::move(reads));
  if (!replies || replies->size() != 2) co_return std::nullopt;
  SeatView view;
  if (auto seat = decode_seat((*replies)[0].str); seat && !(*replies)[0].is_nil()) {
    view.set_state("seated");
    view.set_pickup(seat->pickup);
    view.set_bus(seat->bus);
    view.set_seats(seat->seats);
    view.set_confirmed(seat->confirmed);
  } else if (auto wait = decode_waiting((*replies)[1].str); wait && !(*replies)[1].is_nil()) {
    redis::Command place{"ZRANK", keys::waitlist(alert_id, wait->pickup), member_id};
    auto rank = co_await redis_.exec(std::move(place));
    if (!rank || rank->is_error()) co_return std::nullopt;
    view.set_state("waitlisted");
    view.set_pickup(wait->pickup);
    view.set_seats(wait->seats);
    view.set_rank(rank->is_nil() ? 0 : static_cast<int>(rank->integer) + 1);
  }
  co_return view;
}

}  // namespace tocsin::seats
