#include "rides/ride_store.h"

#include "alerts/alert_keys.h"
#include "alerts/alert_scripts.h"
#include "proto/tocsin.pb.h"
#include "redis/client.h"
#include "redis/hash_slices.h"
#include "redis/script.h"

namespace tocsin::rides {
namespace {

namespace keys = alerts::keys;

// KEYS: rsvp, seat, rides, riding, car_load, ride_seq, audit, alert:{id}.
// ARGV: driver, driver's RSVP as read, seats offered, seats asked, the match record, actor,
// alert id, detail, then rider, rider's RSVP as read, pairs.
const redis::Script& confirm_script() {
  static const redis::Script script(std::string(alerts::kAuditedLua) + R"lua(
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return { 'changed', ARGV[1] } end
for i = 9, #ARGV, 2 do
  local rider = ARGV[i]
  if redis.call('HGET', KEYS[1], rider) ~= ARGV[i + 1] then return { 'changed', rider } end
  if redis.call('HEXISTS', KEYS[2], rider) == 1 then return { 'seated', rider } end
  if redis.call('HEXISTS', KEYS[4], rider) == 1 then return { 'matched', rider } end
end
local load = tonumber(redis.call('HGET', KEYS[5], ARGV[1]) or '0')
if load + tonumber(ARGV[4]) > tonumber(ARGV[3]) then
  return { 'full', ARGV[1] }
end
local id = 'R' .. redis.call('INCR', KEYS[6])
redis.call('HSET', KEYS[3], id, ARGV[5])
for i = 9, #ARGV, 2 do redis.call('HSET', KEYS[4], ARGV[i], id) end
redis.call('HINCRBY', KEYS[5], ARGV[1], ARGV[4])
audited(KEYS[7], KEYS[8], 'actor', ARGV[6], 'action', 'ride.confirm', 'subject', ARGV[7],
        'detail', 'match=' .. id .. ' ' .. ARGV[8])
return { 'ok', id }
)lua");
  return script;
}

// KEYS: rides, riding, car_load, audit, alert:{id}.
// ARGV: match id, its record as read, actor, alert id, detail, driver, seats, then riders.
const redis::Script& undo_script() {
  static const redis::Script script(std::string(alerts::kAuditedLua) + R"lua(
local record = redis.call('HGET', KEYS[1], ARGV[1])
if not record then return 'missing' end
if record ~= ARGV[2] then return 'changed' end
for i = 8, #ARGV do
  if redis.call('HGET', KEYS[2], ARGV[i]) == ARGV[1] then redis.call('HDEL', KEYS[2], ARGV[i]) end
end
if redis.call('HINCRBY', KEYS[3], ARGV[6], -tonumber(ARGV[7])) <= 0 then
  redis.call('HDEL', KEYS[3], ARGV[6])
end
redis.call('HDEL', KEYS[1], ARGV[1])
audited(KEYS[4], KEYS[5], 'actor', ARGV[3], 'action', 'ride.undo', 'subject', ARGV[4],
        'detail', 'match=' .. ARGV[1] .. ' ' .. ARGV[5])
return 'ok'
)lua");
  return script;
}

}  // namespace

void load_scripts(redis::Client& redis) {
  redis.load_on_connect(confirm_script());
  redis.load_on_connect(undo_script());
}

boost::asio::awaitable<std::optional<RideFacts>> read_facts(redis::Client& redis,
                                                            const std::string& alert_id) {
  RideFacts facts;
  auto rsvps = co_await redis::scan_hash(redis, keys::rsvp(alert_id));
  auto seats = co_await redis::scan_hash(redis, keys::seats(alert_id));
  auto waiting = co_await redis::scan_hash(redis, keys::waiting(alert_id));
  auto matches = co_await redis::scan_hash(redis, keys::rides(alert_id));
  if (!rsvps || !seats || !waiting || !matches) co_return std::nullopt;
  facts.rsvps = std::move(*rsvps);
  for (auto& [member, value] : *seats) facts.seated.insert(member);
  facts.waiting = parse_waiting(*waiting);
  for (const auto& [id, value] : *matches) {
    if (auto record = decode(value)) facts.matches.emplace(id, std::move(*record));
  }
  co_return facts;
}

boost::asio::awaitable<std::optional<std::map<std::string, MemberContact>>> read_contacts(
    redis::Client& redis, const std::vector<std::string>& member_ids) {
  std::map<std::string, MemberContact> contacts;
  if (member_ids.empty()) co_return contacts;
  redis::Command get{"MGET"};
  for (const std::string& id : member_ids) get.push_back("member:" + id);
  std::vector<redis::Command> reads{std::move(get)};
  for (const std::string& id : member_ids)
    reads.push_back({"HGET", "member:" + id + ":idx", "region"});
  auto read = co_await redis.exec_pipeline(std::move(reads));
  if (!read || read->size() != member_ids.size() + 1 ||
      (*read)[0].elements.size() != member_ids.size()) {
    co_return std::nullopt;
  }
  std::vector<redis::Command> opted;
  std::vector<std::string> asked;
  for (size_t i = 0; i < member_ids.size(); ++i) {
    Member member;
    const auto& stored = (*read)[0].elements[i];
    if (stored.is_nil() || !member.ParseFromString(stored.str)) continue;
    MemberContact& contact = contacts[member_ids[i]];
    contact.first_name = member.first_name();
    contact.mobile = member.mobile();
    contact.language = member.language() == "en" ? "en" : "fr";
    contact.region = (*read)[i + 1].str;
    if (!contact.mobile.empty()) {
      opted.push_back({"SISMEMBER", keys::opt_out_registry("sms"), contact.mobile});
      asked.push_back(member_ids[i]);
    }
  }
  if (opted.empty()) co_return contacts;
  auto registry = co_await redis.exec_pipeline(std::move(opted));
  if (!registry || registry->size() != asked.size()) co_return std::nullopt;
  for (size_t i = 0; i < asked.size(); ++i) {
    contacts[asked[i]].reachable = (*registry)[i].integer == 0;
  }
  co_return contacts;
}

boost::asio::awaitable<std::optional<ConfirmOutcome>> confirm(redis::Client& redis,
                                                              const ConfirmAsk& ask) {
  const std::string& id = ask.alert_id;
  std::vector<std::string> script_keys{
      keys::rsvp(id),     keys::seats(id),         keys::rides(id),           keys::riding(id),
      keys::car_load(id), keys::ride_sequence(id), std::string(keys::kAudit), keys::alert(id)};
  std::vector<std::string> args{ask.driver.member_id,
                                ask.driver.rsvp,
                                std::to_string(ask.driver.seats),
                                std::to_string(ask.record.seats),
                                encode(ask.record),
                                ask.actor,
                                id,
                                ask.detail};
  for (const Candidate& rider : ask.riders) {
    args.push_back(rider.member_id);
    args.push_back(rider.rsvp);
  }
  auto reply = co_await redis.eval(confirm_script(), std::move(script_keys), std::move(args));
  if (!reply || reply->is_error() || reply->elements.size() != 2) co_return std::nullopt;
  ConfirmOutcome outcome{reply->elements[0].str, "", ""};
  if (outcome.status == "ok") {
    outcome.match_id = reply->elements[1].str;
  } else {
    outcome.member = reply->elements[1].str;
  }
  co_return outcome;
}

boost::asio::awaitable<std::optional<std::string>> undo(
    redis::Client& redis, const std::string& alert_id, const std::string& match_id,
    const MatchRecord& record, const std::string& actor, const std::string& detail) {
  std::vector<std::string> script_keys{keys::rides(alert_id), keys::riding(alert_id),
                                       keys::car_load(alert_id), std::string(keys::kAudit),
                                       keys::alert(alert_id)};
  std::vector<std::string> args{match_id,
                                encode(record),
                                actor,
                                alert_id,
                                detail,
                                record.driver,
                                std::to_string(record.seats)};
  args.insert(args.end(), record.riders.begin(), record.riders.end());
  auto reply = co_await redis.eval(undo_script(), std::move(script_keys), std::move(args));
  if (!reply || reply->is_error()) co_return std::nullopt;
  co_return reply->str;
}

}  // namespace tocsin::rides
