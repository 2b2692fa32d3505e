#include "checkin/checkin_store.h"

#include <spdlog/spdlog.h>

#include <charconv>

#include "alerts/alert_keys.h"
#include "alerts/rsvp_link.h"
#include "checkin/checkin_code.h"
#include "checkin/checkin_scripts.h"
#include "redis/client.h"

namespace tocsin::checkin {
namespace {

namespace keys = alerts::keys;

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
  std::vector<std::string> no_keys;
  std::vector<std::string> args{request.alert_id,     request.member_id,
                                request.how,          clean(request.by),
                                std::to_string(request.at_ms), request.audited ? "1" : "0"};
  auto reply = co_await redis_.eval(check_in_script(), std::move(no_keys), std::move(args));
  if (!reply || reply->is_error() || reply->elements.empty()) {
    if (reply && reply->is_error()) spdlog::error("event=checkin_script_failed error={}", reply->str);
    co_return std::nullopt;
  }
  const auto& e = reply->elements;
  CheckinOutcome outcome;
  const std::string& status = e[0].str;
  if (status == "no_alert") co_return outcome;
  if (status == "not_in_alert") {
    outcome.status = CheckinOutcome::Status::not_in_alert;
    co_return outcome;
  }
  if (e.size() != 5) co_return std::nullopt;
  outcome.status = status == "checked_in" ? CheckinOutcome::Status::checked_in
                                          : CheckinOutcome::Status::already;
  outcome.at_ms = to_int(e[1].str);
  outcome.how = e[2].str;
  outcome.by = e[3].str;
  outcome.answer = e[4].str;
  co_return outcome;
}

boost::asio::awaitable<std::optional<std::string>> CheckinStore::secret(bool create) {
  std::vector<redis::Command> commands;
  // 32 random bytes, as the RSVP links' secret, under its own key.
  if (create) {
    commands.push_back({"SET", std::string(kCheckinSecretKey), alerts::new_rsvp_secret(), "NX"});
  }
  commands.push_back({"GET", std::string(kCheckinSecretKey)});
  auto replies = co_await redis_.exec_pipeline(std::move(commands));
  if (!replies || replies->empty() || replies->back().is_error()) co_return std::nullopt;
  co_return replies->back().is_nil() ? std::string() : replies->back().str;
}

boost::asio::awaitable<std::optional<std::string>> CheckinStore::short_code(
    std::string alert_id, std::string member_id) {
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
    std::vector<std::string> args{std::to_string(kCandidates)};
    for (size_t i : wanted) {
      args.push_back(alert_members[i].first);
      args.push_back(alert_members[i].second);
      for (int c = 0; c < kCandidates; ++c) args.push_back(new_short_code());
    }
    std::vector<std::string> no_keys;
    auto reply = co_await redis_.eval(short_code_script(), std::move(no_keys), std::move(args));
    if (!reply || reply->is_error() || reply->elements.size() != wanted.size()) {
      if (reply && reply->is_error()) spdlog::error("event=checkin_code_failed error={}", reply->str);
      co_return std::nullopt;
    }
    std::vector<size_t> again;
    for (size_t j = 0; j < wanted.size(); ++j) {
      const std::string& code = reply->elements[j].str;
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
  auto reply = co_await redis_.exec(std::move(read));
  if (!reply || reply->is_error()) co_return std::nullopt;
  co_return reply->is_nil() ? std::string() : reply->str;
}

}  // namespace tocsin::checkin
