#include "seats/seat_store.h"

#include <charconv>
#include <optional>
#include <tuple>
#include <vector>

#include "alerts/alert_keys.h"
#include "alerts/alert_relay.h"
#include "redis/client.h"
#include "redis/decode.h"
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
  std::vector<std::string> args{alert_id, pickup, std::to_string(buses), actor, detail,
                                std::to_string(at_ms)};
  auto reply = co_await redis_.eval(add_bus_script(), add_bus_keys(alert_id), std::move(args));
  // {status} or {status, detail...} (seat_scripts.h): the status says what follows.
  auto head = redis::decode<std::tuple<std::string, redis::Rest<redis::Ignore>>>(reply);
  if (!head) co_return outcome;
  const std::string& status = std::get<0>(*head);
  if (status == "ok") {
    // Its audit entry, and the news of those who boarded.
    co_await alerts::relay_all(redis_, alert_id);
    auto ok = redis::decode<std::tuple<std::string, int64_t, int64_t>>(reply);
    if (!ok) co_return outcome;
    outcome.status = AddBusOutcome::Status::ok;
    outcome.buses = static_cast<int>(std::get<1>(*ok));
    outcome.boarded = static_cast<int>(std::get<2>(*ok));
  } else if (status == "no_alert") {
    outcome.status = AddBusOutcome::Status::no_alert;
  } else if (status == "wrong_state") {
    auto wrong = redis::decode<std::pair<std::string, std::string>>(reply);
    if (!wrong) co_return outcome;
    outcome.status = AddBusOutcome::Status::wrong_state;
    outcome.state = wrong->second;
  } else if (status == "no_buses") {
    outcome.status = AddBusOutcome::Status::no_buses;
  }
  co_return outcome;
}

boost::asio::awaitable<std::optional<SeatView>> SeatStore::seat_of(const std::string& alert_id,
                                                                   const std::string& member_id) {
  std::vector<redis::Command> reads{{"HGET", keys::seats(alert_id), member_id},
                                    {"HGET", keys::waiting(alert_id), member_id}};
  // The seat held and the place waited for, each nil when none.
  auto read = redis::decode_each<std::optional<std::string>, std::optional<std::string>>(
      co_await redis_.exec_pipeline(std::move(reads)));
  if (!read) co_return std::nullopt;
  const std::optional<std::string>& held = std::get<0>(*read);
  const std::optional<std::string>& waited = std::get<1>(*read);
  SeatView view;
  if (auto seat = held ? decode_seat(*held) : std::nullopt) {
    view.set_state("seated");
    view.set_pickup(seat->pickup);
    view.set_bus(seat->bus);
    view.set_seats(seat->seats);
    view.set_confirmed(seat->confirmed);
  } else if (auto wait = waited ? decode_waiting(*waited) : std::nullopt) {
    redis::Command place{"ZRANK", keys::waitlist(alert_id, wait->pickup), member_id};
    auto rank = redis::decode<std::optional<int64_t>>(co_await redis_.exec(std::move(place)));
    if (!rank) co_return std::nullopt;
    view.set_state("waitlisted");
    view.set_pickup(wait->pickup);
    view.set_seats(wait->seats);
    view.set_rank(*rank ? static_cast<int>(**rank) + 1 : 0);
  }
  co_return view;
}

}  // namespace tocsin::seats
