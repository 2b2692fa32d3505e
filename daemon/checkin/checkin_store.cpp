#include "checkin/checkin_store.h"

#include <spdlog/spdlog.h>

#include <charconv>
#include <iterator>
#include <tuple>

#include "alerts/alert_relay.h"
#include "alerts/rsvp_link.h"
#include "checkin/checkin_code.h"
#include "checkin/checkin_keys.h"
#include "checkin/checkin_scripts.h"
#include "log/log.h"
#include "redis/client.h"
#include "redis/decode.h"
#include "turnout/targeting.h"

namespace tocsin::checkin {
namespace {

// Candidates per script call: with 729 million codes, even an alert of 150,000 members
// takes a second call about once in 10^18 codes.
constexpr int kCandidates = 4;
constexpr int kAttempts = 5;

int64_t to_int(const std::string& text) {
  int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

// \x1f separates the fields of alert:{id}:present: a name must not carry one.
std::string clean(std::string text) {
  for (char& c : text) {
    if (c == '\x1f') c = ' ';
  }
  return text;
}

}  // namespace

CheckinStore::CheckinStore(redis::Client& redis) : redis_(redis) {
  redis_.load_on_connect(check_in_script());
  redis_.load_on_connect(short_code_script());
}

boost::asio::awaitable<std::optional<CheckinOutcome>> CheckinStore::check_in(
    CheckinRequest request) {
  // Their place in the roster, read first: it lives outside the alert's hash slot.
  const std::vector<std::string> member{request.member_id};
  auto places = co_await turnout::read_places(redis_, member);
  if (!places || places->size() != 1) co_return std::nullopt;
  turnout::Place& place = places->front();
  std::vector<std::string> args{request.alert_id,
                                request.member_id,
                                request.how,
                                clean(request.by),
                                std::to_string(request.at_ms),
                                request.audited ? "1" : "0",
                                std::move(place.region),
                                std::move(place.sector),
                                std::move(place.local),
                                std::move(place.title)};
  auto reply =
      co_await redis_.eval(check_in_script(), check_in_keys(request.alert_id), std::move(args));
  std::string why;
  // {status} or {status, at_ms, how, by, answer} (checkin_scripts.h)
  auto read = redis::decode<std::tuple<std::string, redis::Rest<std::string>>>(reply, &why);
  if (!read) {
    if (reply) spdlog::error("event=checkin_script_failed error={}", log::quote(why));
    co_return std::nullopt;
  }
  const std::string& status = std::get<0>(*read);
  const std::vector<std::string>& fields = std::get<1>(*read).values;
  CheckinOutcome outcome;
  if (status == "no_alert") co_return outcome;
  if (status == "not_in_alert") {
    outcome.status = CheckinOutcome::Status::not_in_alert;
    co_return outcome;
  }
  if (fields.size() != 4) co_return std::nullopt;
  if (request.audited) co_await alerts::relay(redis_, request.alert_id, alerts::Outbox::audit);
  outcome.status =
      status == "checked_in" ? CheckinOutcome::Status::checked_in : CheckinOutcome::Status::already;
  outcome.at_ms = to_int(fields[0]);
  outcome.how = fields[1];
  outcome.by = fields[2];
  outcome.answer = fields[3];
  co_return outcome;
}

boost::asio::awaitable<std::optional<std::string>> CheckinStore::secret(bool create) {
  std::vector<redis::Command> commands;
  // 32 random bytes, as the RSVP links' secret, under its own key.
  if (create) {
    commands.push_back({"SET", std::string(keys::kSecret), alerts::new_rsvp_secret(), "NX"});
  }
  commands.push_back({"GET", std::string(keys::kSecret)});
  auto replies = co_await redis_.exec_pipeline(std::move(commands));
  if (!replies || replies->empty()) co_return std::nullopt;
  auto secret = redis::decode<std::optional<std::string>>(replies->back());
  if (!secret) co_return std::nullopt;
  co_return secret->value_or("");
}

boost::asio::awaitable<std::optional<std::string>> CheckinStore::short_code(std::string alert_id,
                                                                            std::string member_id) {
  std::vector<std::pair<std::string, std::string>> one{{std::move(alert_id), std::move(member_id)}};
  auto codes = co_await short_codes(std::move(one));
  if (!codes) co_return std::nullopt;
  co_return codes->front();
}

boost::asio::awaitable<std::optional<std::vector<std::string>>> CheckinStore::short_codes(
    std::vector<std::pair<std::string, std::string>> alert_members) {
  std::vector<std::string> codes(alert_members.size());
  std::vector<size_t> wanted(alert_members.size());
  for (size_t i = 0; i < wanted.size(); ++i) wanted[i] = i;
  for (int attempt = 0; attempt < kAttempts && !wanted.empty(); ++attempt) {
    std::vector<std::string> script_keys;
    std::vector<std::string> args{std::to_string(kCandidates)};
    for (size_t i : wanted) {
      add_short_code_keys(script_keys, alert_members[i].first);
      args.push_back(alert_members[i].second);
      for (int c = 0; c < kCandidates; ++c) args.push_back(new_short_code());
    }
    auto reply = co_await redis_.eval(short_code_script(), std::move(script_keys), std::move(args));
    std::string why;
    auto found = redis::decode<std::vector<std::string>>(reply, &why);
    if (!found || found->size() != wanted.size()) {
      if (reply) spdlog::error("event=checkin_code_failed error={}", log::quote(why));
      co_return std::nullopt;
    }
    std::vector<size_t> again;
    for (size_t j = 0; j < wanted.size(); ++j) {
      const std::string& code = (*found)[j];
      if (code == "taken") {
        again.push_back(wanted[j]);
      } else {
        codes[wanted[j]] = code == "no_alert" ? std::string() : code;
      }
    }
    wanted = std::move(again);
  }
  if (!wanted.empty()) {
    spdlog::error("event=checkin_code_exhausted members={}", wanted.size());
    co_return std::nullopt;
  }
  co_return codes;
}

boost::asio::awaitable<std::optional<std::string>> CheckinStore::member_of_code(
    std::string alert_id, std::string code) {
  redis::Command read{"HGET", keys::checkin_codes(alert_id), std::move(code)};
  auto member = redis::decode<std::optional<std::string>>(co_await redis_.exec(std::move(read)));
  if (!member) co_return std::nullopt;
  co_return member->value_or("");
}

}  // namespace tocsin::checkin
