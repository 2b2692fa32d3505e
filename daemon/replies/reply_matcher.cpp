#include "replies/reply_matcher.h"

#include <algorithm>
#include <optional>
#include <set>
#include <tuple>
#include <utility>

#include "alerts/alert_keys.h"
#include "members/member_keys.h"
#include "redis/client.h"
#include "redis/decode.h"
#include "replies/reply_keys.h"

namespace tocsin::replies {
namespace {

namespace field = alerts::keys::field;

bool takes_answers(const AlertStanding& standing) {
  return standing.state == alerts::keys::state::kSending ||
         standing.state == alerts::keys::state::kSent;
}

using StandingRow =
    std::tuple<std::optional<std::string>, std::optional<std::string>, std::optional<std::string>>;

redis::Command read_standing(const std::string& id) {
  return {"HMGET", keys::alert(id), std::string(field::kState), std::string(field::kSendingAtMs),
          std::string(field::kParent)};
}

// Adds the standing `reply` read for alert `id` to `out` (none when the alert is not there).
std::error_code add_standing(const std::string& id, const redis::Reply& reply,
                             std::map<std::string, AlertStanding>& out) {
  auto row = redis::decode<StandingRow>(reply);
  if (!row) return row.error();
  auto& [state, at, parent] = *row;
  if (!state) return {};  // an index entry naming no alert (its creation cut short)
  AlertStanding standing;
  standing.state = std::move(*state);
  int64_t at_ms = 0;
  if (at && redis::decoding::parse_integer(*at, at_ms)) standing.sending_at_ms = at_ms;
  standing.parent = parent.value_or("");
  out.insert_or_assign(id, std::move(standing));
  return {};
}

// Reads the standings of `ids` into `out`.
boost::asio::awaitable<std::error_code> read_standings(redis::Client& redis,
                                                       const std::vector<std::string>& ids,
                                                       std::map<std::string, AlertStanding>& out) {
  if (ids.empty()) co_return std::error_code();
  std::vector<redis::Command> reads;
  reads.reserve(ids.size());
  for (const auto& id : ids) reads.push_back(read_standing(id));
  auto replies = co_await redis.exec_pipeline(std::move(reads));
  if (!replies) co_return replies.error();
  for (size_t i = 0; i < ids.size(); ++i) {
    if (auto failed = add_standing(ids[i], (*replies)[i], out)) co_return failed;
  }
  co_return std::error_code();
}

}  // namespace

std::vector<OpenAlert> open_alerts(const std::vector<std::string>& ids,
                                   const std::map<std::string, AlertStanding>& standings) {
  std::vector<OpenAlert> open;
  for (const auto& id : ids) {
    const auto own = standings.find(id);
    if (own == standings.end() || !takes_answers(own->second)) continue;
    const std::string& target = own->second.parent.empty() ? id : own->second.parent;
    if (target != id) {
      const auto parent = standings.find(target);
      if (parent == standings.end() || !takes_answers(parent->second)) continue;
    }
    open.push_back({id, target, own->second.sending_at_ms});
  }
  std::stable_sort(open.begin(), open.end(), [](const OpenAlert& a, const OpenAlert& b) {
    return a.sending_at_ms > b.sending_at_ms;
  });
  return open;
}

std::vector<const OpenAlert*> candidates(const std::vector<OpenAlert>& open, bool quotes_code,
                                         const std::string& code_alert) {
  std::vector<const OpenAlert*> out;
  for (const OpenAlert& alert : open) {
    // The quoted code names the parent; its children share it.
    if (!quotes_code || (!code_alert.empty() && alert.target == code_alert)) {
      out.push_back(&alert);
    }
  }
  return out;
}

boost::asio::awaitable<Result<std::vector<ReplyMatch>>> match_replies(
    redis::Client& redis, const std::vector<ReplyQuery>& replies,
    std::vector<std::string>* standings_read) {
  std::vector<ReplyMatch> matches(replies.size());
  if (replies.empty()) co_return matches;

  // 1. The latest alerts, the alert each quoted code names, and the standings the last
  //    call read (most often those of the same alerts).
  std::vector<std::string> codes;
  for (const auto& reply : replies) {
    if (!reply.code.empty()) codes.push_back(reply.code);
  }
  std::sort(codes.begin(), codes.end());
  codes.erase(std::unique(codes.begin(), codes.end()), codes.end());
  const std::vector<std::string> guessed =
      standings_read ? *standings_read : std::vector<std::string>{};
  std::vector<redis::Command> first{
      {"ZREVRANGE", std::string(keys::kIndex), "0", std::to_string(kRecentAlerts - 1)}};
  for (const auto& code : codes) first.push_back({"GET", keys::code(code)});
  for (const auto& id : guessed) first.push_back(read_standing(id));
  auto first_replies = co_await redis.exec_pipeline(std::move(first));
  if (!first_replies) co_return first_replies.error();
  auto ids = redis::decode<std::vector<std::string>>(first_replies->front());
  if (!ids) co_return ids.error();
  std::map<std::string, std::string> code_alert;
  for (size_t i = 0; i < codes.size(); ++i) {
    auto alert = redis::decode<std::optional<std::string>>((*first_replies)[i + 1]);
    if (!alert) co_return alert.error();
    code_alert[codes[i]] = alert->value_or("");
  }
  std::map<std::string, AlertStanding> standings;
  std::set<std::string> read_ids(guessed.begin(), guessed.end());
  for (size_t i = 0; i < guessed.size(); ++i) {
    if (auto failed = add_standing(guessed[i], (*first_replies)[1 + codes.size() + i], standings)) {
      co_return failed;
    }
  }

  // 2. The standings not guessed, then those of parents not read yet.
  std::vector<std::string> missing;
  for (const auto& id : *ids) {
    if (!read_ids.contains(id)) missing.push_back(id);
  }
  if (auto failed = co_await read_standings(redis, missing, standings)) co_return failed;
  read_ids.insert(missing.begin(), missing.end());
  std::set<std::string> parents;  // of the latest alerts that take answers
  for (const auto& id : *ids) {
    const auto own = standings.find(id);
    if (own != standings.end() && !own->second.parent.empty() && takes_answers(own->second)) {
      parents.insert(own->second.parent);
    }
  }
  std::vector<std::string> unread;
  for (const auto& parent : parents) {
    if (!read_ids.contains(parent)) unread.push_back(parent);
  }
  if (auto failed = co_await read_standings(redis, unread, standings)) co_return failed;
  if (standings_read) {
    std::vector<std::string> needed = *ids;
    for (const auto& parent : parents) {
      if (std::find(ids->begin(), ids->end(), parent) == ids->end()) needed.push_back(parent);
    }
    *standings_read = std::move(needed);
  }
  const std::vector<OpenAlert> open = open_alerts(*ids, standings);
  if (open.empty()) co_return matches;

  // 3. Who each open alert went to, among the numbers that may answer it: one HMGET per
  //    alert.
  std::vector<std::vector<const OpenAlert*>> tried(replies.size());
  std::map<std::string, std::vector<std::string>> asked;  // alert id -> numbers
  for (size_t r = 0; r < replies.size(); ++r) {
    const auto& reply = replies[r];
    const auto code = code_alert.find(reply.code);
    tried[r] = candidates(open, !reply.code.empty(),
                          code == code_alert.end() ? std::string() : code->second);
    for (const OpenAlert* alert : tried[r]) asked[alert->id].push_back(reply.number);
  }
  std::vector<std::string> asked_ids;
  std::vector<redis::Command> lookups;
  for (auto& [id, numbers] : asked) {
    std::sort(numbers.begin(), numbers.end());
    numbers.erase(std::unique(numbers.begin(), numbers.end()), numbers.end());
    redis::Command lookup{"HMGET", keys::recipients(id)};
    lookup.insert(lookup.end(), numbers.begin(), numbers.end());
    lookups.push_back(std::move(lookup));
    asked_ids.push_back(id);
  }
  if (lookups.empty()) co_return matches;
  auto looked = co_await redis.exec_pipeline(std::move(lookups));
  if (!looked) co_return looked.error();
  std::map<std::pair<std::string, std::string>, std::string> member_of;  // (alert, number)
  for (size_t i = 0; i < asked_ids.size(); ++i) {
    auto members = redis::decode<std::vector<std::optional<std::string>>>((*looked)[i]);
    if (!members) co_return members.error();
    const auto& numbers = asked[asked_ids[i]];
    for (size_t n = 0; n < numbers.size() && n < members->size(); ++n) {
      if ((*members)[n]) member_of[{asked_ids[i], numbers[n]}] = *(*members)[n];
    }
  }
  std::set<std::string> matched_members;
  for (size_t r = 0; r < replies.size(); ++r) {
    for (const OpenAlert* alert : tried[r]) {
      const auto found = member_of.find({alert->id, replies[r].number});
      if (found == member_of.end()) continue;
      matches[r].alert = alert->target;
      matches[r].member = found->second;
      matched_members.insert(found->second);
      break;
    }
  }
  if (matched_members.empty()) co_return matches;

  // 4. Each matched member's place and language, from the roster.
  std::vector<std::string> member_ids(matched_members.begin(), matched_members.end());
  std::vector<redis::Command> places;
  for (const auto& member : member_ids) {
    namespace member_field = members::keys::field;
    places.push_back({"HMGET", keys::member_index(member), std::string(member_field::kRegion),
                      std::string(member_field::kSector), std::string(member_field::kLocal),
                      std::string(member_field::kLanguage), std::string(member_field::kTitle)});
  }
  auto read = co_await redis.exec_pipeline(std::move(places));
  if (!read) co_return read.error();
  using Place =
      std::tuple<std::optional<std::string>, std::optional<std::string>, std::optional<std::string>,
                 std::optional<std::string>, std::optional<std::string>>;
  std::map<std::string, Place> place_of;
  for (size_t i = 0; i < member_ids.size(); ++i) {
    auto place = redis::decode<Place>((*read)[i]);
    if (!place) co_return place.error();
    place_of[member_ids[i]] = std::move(*place);
  }
  for (auto& match : matches) {
    if (match.member.empty()) continue;
    const auto& [region, sector, local, language, title] = place_of[match.member];
    match.region = region.value_or("");
    match.sector = sector.value_or("");
    match.local = local.value_or("");
    match.language = language.value_or("");
    match.title = title.value_or("");
  }
  co_return matches;
}

}  // namespace tocsin::replies
