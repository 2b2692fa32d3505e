// The one-click RSVP page (issue 6, point 6): GET /r/{token} shows it, POST /r/{token}
// records the answer. Public routes: the token in the URL is the credential (an HMAC bound
// to the alert and member, rsvp_link_check.h). Every answer is an HTML page, also the
// refusals (a tampered or unknown link 403, a closed or expired alert 410, Redis away 503),
// never JSON or a stack trace. No member data is logged.

#include <spdlog/spdlog.h>

#include <chrono>

#include "alerts/alert_keys.h"
#include "alerts/local_time.h"
#include "alerts/preview.h"
#include "alerts/rfc3339.h"
#include "api/routes.h"
#include "api/services.h"
#include "checkin/checkin_code.h"
#include "checkin/checkin_store.h"
#include "checkin/qr_svg.h"
#include "config/config.h"
#include "http/router.h"
#include "http/same_origin.h"
#include "log/log.h"
#include "members/member_keys.h"
#include "proto/tocsin.pb.h"
#include "redis/client.h"
#include "redis/decode.h"
#include "replies/confirmation_text.h"
#include "replies/rsvp_builder.h"
#include "replies/rsvp_form.h"
#include "replies/rsvp_link_check.h"
#include "replies/rsvp_notice_page.h"
#include "replies/rsvp_page.h"
#include "replies/rsvp_token.h"
#include "replies/rsvp_writer.h"
#include "seats/seat_store.h"

namespace tocsin::api {
namespace {

namespace asio = boost::asio;
using http::Request;
using http::Response;
using replies::LinkCheck;
using replies::RsvpRefusal;

// A form of a few fields is well under 1 KiB.
constexpr uint64_t kMaxFormBody = 4 * 1024;

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Response html(unsigned status, std::string page) {
  Response response;
  response.status = status;
  response.content_type = "text/html; charset=utf-8";
  response.body = std::move(page);
  // A personal page: never cached, never framed (a one-click form), and its URL (the
  // credential) never sent on as a Referer to another site. "same-origin", not
  // "no-referrer": under no-referrer a browser posts our own form with "Origin: null"
  // (Fetch standard), which cannot be told from another site's sandboxed form.
  response.headers = {{"Cache-Control", "no-store"},
                      {"Referrer-Policy", "same-origin"},
                      {"X-Content-Type-Options", "nosniff"},
                      {"X-Frame-Options", "DENY"},
                      {"Content-Security-Policy",
                       "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                       "frame-ancestors 'none'; base-uri 'none'"}};
  return response;
}

Response refusal(RsvpRefusal why) {
  unsigned status = 500;
  switch (why) {
    case RsvpRefusal::invalid:
    case RsvpRefusal::foreign_origin:
      status = 403;
      break;
    case RsvpRefusal::closed:
      status = 410;
      break;
    case RsvpRefusal::unavailable:
      status = 503;
      break;
    case RsvpRefusal::failed:
      break;
  }
  Response response = html(status, replies::rsvp_refusal_page(why));
  if (why == RsvpRefusal::unavailable) response.headers.emplace_back("Retry-After", "5");
  return response;
}

// The refusal for a link that cannot be answered, or nullopt when it is open.
std::optional<Response> refusal_of(const LinkCheck& link) {
  switch (link.status) {
    case LinkCheck::Status::open:
      return std::nullopt;
    case LinkCheck::Status::invalid:
      spdlog::info("event=rsvp_link_refused reason=invalid");
      return refusal(RsvpRefusal::invalid);
    case LinkCheck::Status::closed:
      spdlog::info("event=rsvp_link_refused reason=closed alert={}", link.alert.id());
      return refusal(RsvpRefusal::closed);
    case LinkCheck::Status::unavailable:
      break;
  }
  return refusal(RsvpRefusal::unavailable);
}

// What the page shows of the member and their answer so far.
struct MemberView {
  std::string language;  // "fr" | "en"
  std::string first_name;
  std::string folded_region;
  std::optional<replies::RsvpRecord> current;
  seats::SeatHolding seat;  // their bus seat or place on a waitlist, if any
};

asio::awaitable<std::optional<MemberView>> read_member(redis::Client& redis,
                                                       const LinkCheck& link) {
  const std::string& id = link.member_id;
  namespace member_keys = members::keys;
  std::vector<redis::Command> reads{
      {"GET", member_keys::member(id)},
      {"HMGET", member_keys::index(id), std::string(member_keys::field::kLanguage),
       std::string(member_keys::field::kRegion)},
      {"HGET", alerts::keys::rsvp(link.alert.id()), id}};
  using Maybe = std::optional<std::string>;
  // The record, the language and region indexed, the RSVP; absent: nullopt.
  auto read = redis::decode_each<Maybe, std::pair<Maybe, Maybe>, Maybe>(
      co_await redis.exec_pipeline(std::move(reads)));
  if (!read) co_return std::nullopt;
  const auto& [record, indexed, rsvp] = *read;
  seats::SeatStore seat_store(redis);
  auto seat = co_await seat_store.seat_of(link.alert.id(), id);
  if (!seat) co_return std::nullopt;
  MemberView view;
  Member member;
  // A member removed from the roster since is greeted without a name.
  if (member.ParseFromString(record.value_or(""))) view.first_name = member.first_name();
  view.language = indexed.first.value_or("") == "en" ? "en" : "fr";
  view.folded_region = indexed.second.value_or("");
  if (rsvp) view.current = replies::decode(*rsvp);
  view.seat = {.state = seat->state(), .pickup = seat->pickup(), .bus = seat->bus(),
               .seats = seat->seats(), .rank = seat->rank()};
  co_return view;
}

replies::RsvpPageFacts page_facts(const LinkCheck& link, const MemberView& member,
                                  const std::string& token, const std::string& time_zone) {
  const Alert& alert = link.alert;
  replies::RsvpPageFacts facts;
  facts.language = member.language;
  facts.first_name = member.first_name;
  facts.title = alert.title();
  facts.place = alert.place();
  facts.when = alert.event_time();
  if (const auto when = alerts::parse_rfc3339(alert.event_time())) {
    facts.when = alerts::format_event_date_time(*when, member.language, time_zone);
  }
  facts.action = "/r/" + token;
  facts.form_token = link.form_token;
  facts.current = member.current;
  facts.seat = member.seat;
  facts.car_seats = alert.car_seats();
  for (const PickupPoint& point : alert.pickup_points()) {
    facts.pickups.push_back(
        {point.id(), alerts::describe_pickup(point, member.language, time_zone)});
  }
  // Preselected: the point of their answer so far, else their region's, else the first.
  const auto by_region = replies::pickup_by_region(alert);
  if (member.current && !member.current->pickup.empty()) {
    facts.selected_pickup = member.current->pickup;
  } else if (auto it = by_region.find(member.folded_region); it != by_region.end()) {
    facts.selected_pickup = it->second;
  } else if (!facts.pickups.empty()) {
    facts.selected_pickup = facts.pickups.front().id;
  }
  return facts;
}

// How a web answer is kept in alert:{id}:rsvp_text, in place of an SMS's text.
std::string web_answer_text(const replies::RsvpChoice& choice) {
  return "[web] answer=" + choice.answer + " busSeats=" + std::to_string(choice.bus_seats) +
         " carSeats=" + std::to_string(choice.car_seats) +
         " party=" + std::to_string(choice.party) + " pickup=" + choice.pickup;
}

// A yes: the member's check-in code, as a QR code and as their SMS's short code. The
// secret and the short code are made on first use. False when Redis failed.
asio::awaitable<bool> add_checkin_code(Services& services, checkin::CheckinStore& checkins,
                                       const LinkCheck& link, replies::RsvpPageFacts& facts) {
  if (!facts.current || facts.current->answer != "yes") co_return true;
  auto secret = co_await checkins.secret(true);
  auto code = co_await checkins.short_code(link.alert.id(), link.member_id);
  if (!secret || !code) co_return false;
  const std::string url = checkin::checkin_url(
      services.config.http().public_url(), link.alert.id(), link.member_id,
      checkin::checkin_tag(*secret, link.alert.id(), link.member_id));
  facts.checkin_qr_svg =
      checkin::qr_svg(url, facts.language == "en" ? "Check-in QR code" : "Code QR d'accueil");
  facts.checkin_code = *code;
  co_return true;
}

asio::awaitable<Response> show_page(Services& services, checkin::CheckinStore& checkins,
                                    Request& request) {
  const std::string token = request.path_params.at("token");
  const LinkCheck link = co_await replies::check_rsvp_link(services.redis, token, now_ms());
  if (auto refused = refusal_of(link)) co_return std::move(*refused);
  auto member = co_await read_member(services.redis, link);
  if (!member) co_return refusal(RsvpRefusal::unavailable);
  auto facts = page_facts(link, *member, token, services.config.time_zone());
  if (!co_await add_checkin_code(services, checkins, link, facts)) {
    co_return refusal(RsvpRefusal::unavailable);
  }
  co_return html(200, replies::rsvp_form_page(facts));
}

asio::awaitable<Response> take_answer(Services& services, replies::RsvpWriter& writer,
                                      checkin::CheckinStore& checkins, Request& request) {
  // The token is the credential; a form posted from another site is refused too. What
  // the browser tells comes first (http/same_origin.h); when it tells nothing (an old
  // browser, or not a browser), the page's form token must be in the form.
  const http::FormOrigin from =
      http::form_origin(request.header("sec-fetch-site"), request.header("origin"),
                        services.config.http().public_url());
  if (from == http::FormOrigin::foreign) {
    spdlog::info("event=rsvp_link_refused reason=foreign_origin");
    co_return refusal(RsvpRefusal::foreign_origin);
  }
  const std::string token = request.path_params.at("token");
  const LinkCheck link = co_await replies::check_rsvp_link(services.redis, token, now_ms());
  if (auto refused = refusal_of(link)) co_return std::move(*refused);
  if (from == http::FormOrigin::unknown &&
      !replies::tokens_equal(link.form_token, replies::rsvp_form_token_of(request.body))) {
    spdlog::info("event=rsvp_link_refused reason=no_form_token");
    co_return refusal(RsvpRefusal::foreign_origin);
  }
  auto member = co_await read_member(services.redis, link);
  if (!member) co_return refusal(RsvpRefusal::unavailable);
  const std::string& time_zone = services.config.time_zone();

  auto form = replies::parse_rsvp_form(request.body);
  std::optional<replies::FieldProblem> problem;
  replies::WriteOutcome outcome;
  if (auto* bad = std::get_if<replies::FieldProblem>(&form)) {
    problem = *bad;
  } else {
    const auto& choice = std::get<replies::RsvpChoice>(form);
    const int64_t at = now_ms();
    outcome = co_await writer.write(link.alert, link.member_id, choice, web_answer_text(choice),
                                    "web", at);
    if (outcome.status == replies::WriteOutcome::Status::refused) problem = outcome.problem;
  }
  if (problem) {
    auto facts = page_facts(link, *member, token, time_zone);
    facts.problem = replies::describe_problem(*problem, member->language);
    co_return html(400, replies::rsvp_form_page(facts));
  }
  if (outcome.status == replies::WriteOutcome::Status::unavailable) {
    co_return refusal(RsvpRefusal::unavailable);
  }
  spdlog::info("event=rsvp_web_recorded alert={} changed={}", link.alert.id(),
               outcome.status == replies::WriteOutcome::Status::recorded);

  replies::ConfirmationFacts confirmation;
  confirmation.kind = replies::ConfirmationKind::rsvp;
  confirmation.language = member->language;
  confirmation.alert_code = link.alert.code();
  confirmation.record = outcome.record;
  confirmation.seat = outcome.seat;
  for (const PickupPoint& point : link.alert.pickup_points()) {
    if (point.id() == outcome.record.pickup) {
      confirmation.pickup = alerts::describe_pickup(point, member->language, time_zone);
    }
  }
  // As in the SMS confirmation: the short check-in code of a yes to an event (the page
  // behind the link shows it as a QR code too). Without Redis, the text goes without it.
  if (outcome.record.answer == "yes" && !link.alert.event_time().empty()) {
    if (auto code = co_await checkins.short_code(link.alert.id(), link.member_id)) {
      confirmation.checkin_code = *code;
    }
  }
  co_return html(200,
                 replies::rsvp_done_page(member->language, replies::confirmation_text(confirmation),
                                         "/r/" + token));
}

// The router answers a handler's exception with JSON: these pages answer with HTML.
template <class Handle>
http::Handler html_handler(Handle handle) {
  return [handle](Request& request) -> asio::awaitable<Response> {
    std::optional<Response> response;
    try {
      response = co_await handle(request);
    } catch (const std::exception& e) {
      spdlog::error("event=rsvp_page_failed error={}", log::quote(e.what()));
    }
    if (!response) co_return refusal(RsvpRefusal::failed);
    co_return std::move(*response);
  };
}

}  // namespace

void add_rsvp_page_routes(http::Router& router, Services& services) {
  // Built here, before the Redis client connects, so their scripts load on connection.
  auto writer = std::make_shared<replies::RsvpWriter>(services.redis);
  auto checkins = std::make_shared<checkin::CheckinStore>(services.redis);
  // needs_redis is left off: the router's 503 is JSON, these pages answer their own.
  router.add("GET", "/r/{token}", {.roles = {}},
             html_handler([&services, checkins](Request& request) {
               return show_page(services, *checkins, request);
             }));
  router.add("POST", "/r/{token}", {.roles = {}, .max_body_bytes = kMaxFormBody},
             html_handler([&services, writer, checkins](Request& request) {
               return take_answer(services, *writer, *checkins, request);
             }));
}

}  // namespace tocsin::api
