// Rides on the event day (README.md, "Rides"): GET /v1/alerts/{id}/rides[?region=R] shows a
// region's drivers, riders, the matches proposed and those confirmed; POST
// /v1/alerts/{id}/rides confirms one match {driver, riders[]} and only then tells the driver
// and the riders each other's first name and mobile by SMS; POST
// /v1/alerts/{id}/rides/{match}:undo undoes it and tells them it is off. Coordinators of the
// region, executives and admins; a coordinator of another region gets 403 and learns
// nothing of it. Each view, confirmation and undo is audited.

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

#include "adapters/gateway.h"
#include "alerts/alert_keys.h"
#include "alerts/alert_store.h"
#include "alerts/sms_encoding.h"
#include "api/audit_entry.h"
#include "api/responses.h"
#include "api/routes.h"
#include "api/services.h"
#include "auth/region_scope.h"
#include "http/json.h"
#include "http/router.h"
#include "log/log.h"
#include "members/turnout_field.h"
#include "proto/rides.pb.h"
#include "proto/tocsin.pb.h"
#include "redis/client.h"
#include "redis/decode.h"
#include "rides/ride_candidates.h"
#include "rides/ride_message.h"
#include "rides/ride_store.h"
#include "turnout/turnout_scope.h"
#include "util/clock.h"

namespace tocsin::api {
namespace {

namespace asio = boost::asio;
namespace keys = alerts::keys;
using http::error_response;
using http::Request;
using http::Response;
using rides::Candidate;
using rides::MemberContact;

constexpr size_t kMaxRiders = 8;

// The alert and its state; nullopt (with *failed when Redis failed) when there is none.
asio::awaitable<std::optional<std::pair<Alert, std::string>>> read_alert(Services& services,
                                                                         const std::string& id,
                                                                         bool* failed) {
  *failed = false;
  if (!alerts::is_alert_id(id)) co_return std::nullopt;
  redis::Command read{"HMGET", keys::alert(id), std::string(keys::field::kProto),
                      std::string(keys::field::kState)};
  using Maybe = std::optional<std::string>;
  auto stored =
      redis::decode<std::pair<Maybe, Maybe>>(co_await services.redis.exec(std::move(read)));
  if (!stored) {
    *failed = true;
    co_return std::nullopt;
  }
  Alert alert;
  if (!stored->first || !alert.ParseFromString(*stored->first)) co_return std::nullopt;
  co_return std::make_pair(std::move(alert), stored->second.value_or(""));
}

std::vector<std::string> ids_of(const rides::RegionRides& region) {
  std::set<std::string> ids;
  for (const Candidate& c : region.drivers) ids.insert(c.member_id);
  for (const Candidate& c : region.riders) ids.insert(c.member_id);
  for (const auto& [id, match] : region.matches) {
    ids.insert(match.driver);
    ids.insert(match.riders.begin(), match.riders.end());
  }
  return {ids.begin(), ids.end()};
}

std::string first_name(const std::map<std::string, MemberContact>& contacts,
                       const std::string& member) {
  const auto found = contacts.find(member);
  return found == contacts.end() ? "" : found->second.first_name;
}

RideMatch view_of(const std::string& id, const rides::MatchRecord& record,
                  const std::map<std::string, MemberContact>& contacts) {
  RideMatch match;
  match.set_id(id);
  match.set_driver(record.driver);
  match.set_driver_first_name(first_name(contacts, record.driver));
  for (const std::string& rider : record.riders) {
    match.add_riders(rider);
    match.add_rider_first_names(first_name(contacts, rider));
  }
  match.set_seats(record.seats);
  match.set_region(record.region);
  match.set_confirmed_at_ms(record.at_ms);
  match.set_confirmed_by(record.by);
  return match;
}

asio::awaitable<Response> get_rides(Services& services, Request& request) {
  const std::string id = request.path_params.at("id");
  auto region = request.query_param("region");
  if (region && region->empty()) region.reset();
  const auto& who = *request.principal;
  const auto scope = turnout::make_scope(who, region);
  if (!scope) co_return error_response(403, "this region is not one of yours", "region");
  bool failed = false;
  auto alert = co_await read_alert(services, id, &failed);
  if (failed) co_return unavailable();
  if (!alert) co_return no_alert(id);
  auto facts = co_await rides::read_facts(services.redis, id);
  if (!facts) co_return unavailable();

  // The regions to choose among: a coordinator's own; for others, every region where
  // someone drives or needs a ride, and those of the pickup points.
  std::set<std::string> regions;
  if (who.role == auth::Role::coordinator) {
    regions = turnout::make_scope(who)->regions();
  } else {
    regions = rides::regions_with_rides(*facts, alert->first);
    for (const PickupPoint& point : alert->first.pickup_points()) {
      regions.insert(turnout::region_part(point.region()));
    }
  }
  std::string shown = region ? *scope->regions().begin() : "";
  if (shown.empty() && !regions.empty()) shown = *regions.begin();
  if (!shown.empty()) regions.insert(shown);

  RidesResponse answer;
  answer.set_alert_id(id);
  answer.set_alert_code(alert->first.code());
  answer.set_region(shown);
  for (const std::string& part : regions) answer.add_regions(part);
  for (const PickupPoint& point : alert->first.pickup_points()) {
    (*answer.mutable_pickup_names())[point.id()] = point.name();
  }
  if (!shown.empty()) {
    const auto here = rides::region_rides(*facts, alert->first, shown);
    auto contacts = co_await rides::read_contacts(services.redis, ids_of(here));
    if (!contacts) co_return unavailable();
    std::set<std::string> reachable;
    for (const auto& [member, contact] : *contacts) {
      if (contact.reachable) reachable.insert(member);
    }
    for (const Candidate& c : here.drivers) {
      RideDriver* driver = answer.add_drivers();
      driver->set_member_id(c.member_id);
      driver->set_first_name(first_name(*contacts, c.member_id));
      driver->set_pickup(c.pickup);
      driver->set_local(c.local);
      driver->set_party(c.party);
      driver->set_seats_offered(c.seats);
      driver->set_seats_left(c.seats_left);
      driver->set_reachable(reachable.contains(c.member_id));
    }
    for (const Candidate& c : here.riders) {
      RideRider* rider = answer.add_riders();
      rider->set_member_id(c.member_id);
      rider->set_first_name(first_name(*contacts, c.member_id));
      rider->set_pickup(c.pickup);
      rider->set_local(c.local);
      rider->set_party(c.party);
      rider->set_seats(c.seats);
      rider->set_need(c.need);
      rider->set_reachable(reachable.contains(c.member_id));
    }
    for (const auto& proposal : rides::propose_for(here, reachable)) {
      RideProposal* out = answer.add_proposals();
      out->set_driver(proposal.driver);
      for (const std::string& rider : proposal.riders) out->add_riders(rider);
      out->set_seats(proposal.seats);
      out->set_by(proposal.by);
    }
    for (const auto& [match_id, record] : here.matches) {
      *answer.add_matches() = view_of(match_id, record, *contacts);
    }
    // First names leave the daemon: audited before the body does.
    if (!co_await write_audit(services.redis, id, "rides.view",
                              "region=" + shown +
                                  " drivers=" + std::to_string(here.drivers.size()) +
                                  " riders=" + std::to_string(here.riders.size()),
                              who)) {
      co_return unavailable();
    }
  }
  Response response = json(200, answer);
  response.headers.emplace_back("Cache-Control", "no-store");
  co_return response;
}

// The SMS of one member about a match.
adapters::OutgoingMessage ride_sms(const std::string& alert_id, const std::string& code,
                                   const std::string& member, const MemberContact& contact,
                                   std::string text, const std::string& key) {
  adapters::OutgoingMessage message;
  message.alert_id = alert_id;
  message.member_id = member;
  message.channel = "sms";
  message.to = contact.mobile;
  message.language = contact.language;
  message.segments = static_cast<int>(alerts::measure_sms(text).segments);
  message.text = std::move(text);
  message.alert_code = code;
  // Unique per match, member and step: gateways derive their message id from it.
  message.idempotency_key = key + ":" + member;
  return message;
}

std::string joined_ids(const std::vector<std::string>& ids) {
  std::string text;
  for (const std::string& id : ids) text += (text.empty() ? "" : ",") + id;
  return text;
}

asio::awaitable<Response> confirm_ride(Services& services, Request& request) {
  const std::string id = request.path_params.at("id");
  ConfirmRideRequest body;
  std::string parse_error;
  if (!http::from_json(request.body, &body, &parse_error)) {
    co_return error_response(400, "malformed JSON body: " + parse_error, "body");
  }
  if (body.driver().empty()) co_return error_response(400, "name the driver", "driver");
  if (body.riders().empty() || static_cast<size_t>(body.riders_size()) > kMaxRiders) {
    co_return error_response(400, "name 1 to 8 riders", "riders");
  }
  std::vector<std::string> rider_ids(body.riders().begin(), body.riders().end());
  std::set<std::string> distinct(rider_ids.begin(), rider_ids.end());
  if (distinct.size() != rider_ids.size() || distinct.contains(body.driver())) {
    co_return error_response(400, "each rider once, and the driver is not a rider", "riders");
  }
  bool failed = false;
  auto alert = co_await read_alert(services, id, &failed);
  if (failed) co_return unavailable();
  if (!alert) co_return no_alert(id);

  std::vector<std::string> everyone = rider_ids;
  everyone.push_back(body.driver());
  auto contacts = co_await rides::read_contacts(services.redis, everyone);
  if (!contacts) co_return unavailable();
  const auto& who = *request.principal;
  // Checked before anything else about these members, so a coordinator learns nothing of
  // members outside their regions.
  for (const std::string& member : everyone) {
    const auto found = contacts->find(member);
    if (!auth::sees_region(who, found == contacts->end() ? "" : found->second.region)) {
      co_return error_response(403, "member " + member + " is not in your regions",
                               member == body.driver() ? "driver" : "riders");
    }
    if (found == contacts->end()) {
      co_return error_response(404, "no member " + member + " on the roster",
                               member == body.driver() ? "driver" : "riders");
    }
  }
  if (alert->second == keys::state::kCancelled || alert->second == keys::state::kDraft) {
    co_return error_response(409, "the alert is " + alert->second + ": no rides to match", "state");
  }
  auto facts = co_await rides::read_facts(services.redis, id);
  if (!facts) co_return unavailable();
  const std::string region = turnout::key_part(contacts->at(body.driver()).region);
  const auto here = rides::region_rides(*facts, alert->first, region);
  const auto driver =
      std::find_if(here.drivers.begin(), here.drivers.end(),
                   [&](const Candidate& c) { return c.member_id == body.driver(); });
  if (driver == here.drivers.end()) {
    co_return error_response(
        409,
        "member " + body.driver() + " offers no car seats: their answer is not a yes with a car",
        "driver");
  }
  if (!contacts->at(driver->member_id).reachable) {
    co_return error_response(409, "the driver has no mobile we may text (none, or opted out)",
                             "driver");
  }
  rides::ConfirmAsk ask;
  ask.alert_id = id;
  ask.driver = *driver;
  for (const std::string& member : rider_ids) {
    const auto rider = std::find_if(here.riders.begin(), here.riders.end(),
                                    [&](const Candidate& c) { return c.member_id == member; });
    if (rider == here.riders.end()) {
      co_return error_response(
          409,
          "member " + member +
              " needs no ride in the driver's region: not a yes needing a seat, already seated "
              "on a bus or in a ride, or in another region",
          "riders");
    }
    if (!contacts->at(member).reachable) {
      co_return error_response(
          409, "rider " + member + " has no mobile we may text (none, or opted out)", "riders");
    }
    ask.riders.push_back(*rider);
    ask.record.seats += rider->seats;
  }
  if (ask.record.seats > driver->seats_left) {
    co_return error_response(409,
                             "the riders need " + std::to_string(ask.record.seats) +
                                 " seats; the driver has " + std::to_string(driver->seats_left) +
                                 " left",
                             "riders");
  }
  ask.record.driver = driver->member_id;
  ask.record.riders = rider_ids;
  ask.record.region = region;
  ask.record.at_ms = services.clock.now_ms();
  ask.record.by = who.name;
  ask.actor = who.name;
  ask.detail = "region=" + region + " driver=" + driver->member_id +
               " riders=" + joined_ids(rider_ids) + " seats=" + std::to_string(ask.record.seats) +
               " token=" + who.token_id;
  auto outcome = co_await rides::confirm(services.redis, ask);
  if (!outcome) co_return unavailable();
  if (outcome->status != "ok") {
    const std::string why = outcome->status == "seated"    ? " now holds a bus seat"
                            : outcome->status == "matched" ? " is already in a confirmed ride"
                            : outcome->status == "full"    ? " has no seats left for them"
                                                           : " changed their answer meanwhile";
    co_return error_response(409, "member " + outcome->member + why + "; nothing was confirmed",
                             outcome->member == driver->member_id ? "driver" : "riders");
  }

  // Confirmed and audited: only now do the members learn of each other.
  const std::string& code = alert->first.code();
  const std::string key = "ride:" + id + ":" + outcome->match_id + ":confirm";
  const MemberContact& driving = contacts->at(driver->member_id);
  std::vector<rides::Contact> riding;
  for (const Candidate& rider : ask.riders) {
    const MemberContact& contact = contacts->at(rider.member_id);
    riding.push_back({contact.first_name, contact.mobile, rider.seats});
    services.send_direct(ride_sms(
        id, code, rider.member_id, contact,
        rides::rider_confirmed(contact.language, code, {driving.first_name, driving.mobile, 1}),
        key));
  }
  services.send_direct(ride_sms(id, code, driver->member_id, driving,
                                rides::driver_confirmed(driving.language, code, riding), key));
  spdlog::info("event=ride_confirmed alert={} match={} riders={} seats={} by={}", id,
               outcome->match_id, rider_ids.size(), ask.record.seats, log::quote(who.name));
  RideMatchResponse answer;
  *answer.mutable_match() = view_of(outcome->match_id, ask.record, *contacts);
  answer.set_sms_sent(static_cast<int>(rider_ids.size()) + 1);
  co_return json(200, answer);
}

asio::awaitable<Response> undo_ride(Services& services, Request& request) {
  const std::string id = request.path_params.at("id");
  const std::string match_id = request.path_params.at("match");
  bool failed = false;
  auto alert = co_await read_alert(services, id, &failed);
  if (failed) co_return unavailable();
  if (!alert) co_return no_alert(id);
  redis::Command read{"HGET", keys::rides(id), match_id};
  auto stored =
      redis::decode<std::optional<std::string>>(co_await services.redis.exec(std::move(read)));
  if (!stored) co_return unavailable();
  const auto record = *stored ? rides::decode(**stored) : std::nullopt;
  const auto& who = *request.principal;
  const auto scope = turnout::make_scope(who);
  // A coordinator of another region learns no more than that it is not theirs.
  if (record && !scope->contains_region(record->region)) {
    co_return error_response(403, "this ride is not in your regions", "match");
  }
  if (!record) co_return error_response(404, "no ride " + match_id + " on this alert", "match");
  auto outcome =
      co_await rides::undo(services.redis, id, match_id, *record, who.name,
                           "region=" + record->region + " driver=" + record->driver +
                               " riders=" + joined_ids(record->riders) + " token=" + who.token_id);
  if (!outcome) co_return unavailable();
  if (*outcome != "ok") {
    co_return error_response(409, "ride " + match_id + " was changed or undone meanwhile", "match");
  }
  std::vector<std::string> everyone = record->riders;
  everyone.push_back(record->driver);
  auto contacts = co_await rides::read_contacts(services.redis, everyone);
  int told = 0;
  if (contacts) {
    const std::string& code = alert->first.code();
    const std::string key = "ride:" + id + ":" + match_id + ":undo";
    std::vector<std::string> rider_names;
    for (const std::string& rider : record->riders)
      rider_names.push_back(first_name(*contacts, rider));
    for (const std::string& member : everyone) {
      const auto found = contacts->find(member);
      if (found == contacts->end() || !found->second.reachable) continue;
      const bool is_driver = member == record->driver;
      const auto others =
          is_driver ? rider_names : std::vector<std::string>{first_name(*contacts, record->driver)};
      services.send_direct(ride_sms(id, code, member, found->second,
                                    rides::ride_undone(found->second.language, code, others), key));
      ++told;
    }
  }
  spdlog::info("event=ride_undone alert={} match={} told={} by={}", id, match_id, told,
               log::quote(who.name));
  RideMatchResponse answer;
  const std::map<std::string, MemberContact> none;
  *answer.mutable_match() = view_of(match_id, *record, contacts ? *contacts : none);
  answer.set_sms_sent(told);
  co_return json(200, answer);
}

}  // namespace

void add_ride_routes(http::Router& router, Services& services) {
  const std::vector<auth::Role> viewers = {auth::Role::admin, auth::Role::executive,
                                           auth::Role::coordinator};
  rides::load_scripts(services.redis);
  router.add("GET", "/v1/alerts/{id}/rides", {.roles = viewers, .needs_redis = true},
             [&services](Request& request) { return get_rides(services, request); });
  router.add("POST", "/v1/alerts/{id}/rides", {.roles = viewers, .needs_redis = true},
             [&services](Request& request) { return confirm_ride(services, request); });
  router.add("POST", "/v1/alerts/{id}/rides/{match}:undo", {.roles = viewers, .needs_redis = true},
             [&services](Request& request) { return undo_ride(services, request); });
}

}  // namespace tocsin::api
