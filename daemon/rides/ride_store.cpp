#include "rides/ride_store.h"

#include "alerts/alert_keys.h"
#include "alerts/alert_relay.h"
#include "members/member_keys.h"
#include "proto/tocsin.pb.h"
#include "redis/client.h"
#include "redis/decode.h"
#include "redis/hash_slices.h"
#include "redis/script.h"
#include "rides/ride_confirm.lua.h"
#include "rides/ride_undo.lua.h"

namespace tocsin::rides {
namespace {

namespace keys = alerts::keys;

const redis::Script& confirm_script() {
  static const redis::Script script(std::string(lua::ride_confirm));
  return script;
}

const redis::Script& undo_script() {
  static const redis::Script script(std::string(lua::ride_undo));
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
  for (const std::string& id : member_ids) get.push_back(members::keys::member(id));
  std::vector<redis::Command> reads{std::move(get)};
  for (const std::string& id : member_ids) {
    reads.push_back({"HGET", members::keys::index(id), std::string(members::keys::field::kRegion)});
  }
  // The records, then each member's region (absent: none).
  auto read = redis::decode_each<std::vector<std::optional<std::string>>,
                                 redis::Rest<std::optional<std::string>>>(
      co_await redis.exec_pipeline(std::move(reads)));
  if (!read) co_return std::nullopt;
  const auto& [records, regions_read] = *read;
  const auto& regions = regions_read.values;
  if (records.size() != member_ids.size() || regions.size() != member_ids.size()) {
    co_return std::nullopt;
  }
  std::vector<redis::Command> opted;
  std::vector<std::string> asked;
  for (size_t i = 0; i < member_ids.size(); ++i) {
    Member member;
    if (!records[i] || !member.ParseFromString(*records[i])) continue;
    MemberContact& contact = contacts[member_ids[i]];
    contact.first_name = member.first_name();
    contact.mobile = member.mobile();
    contact.language = member.language() == "en" ? "en" : "fr";
    contact.region = regions[i].value_or("");
    if (!contact.mobile.empty()) {
      opted.push_back({"SISMEMBER", members::keys::opt_out_registry("sms"), contact.mobile});
      asked.push_back(member_ids[i]);
    }
  }
  if (opted.empty()) co_return contacts;
  auto registry = co_await redis.exec_pipeline(std::move(opted));
  if (!registry || registry->size() != asked.size()) co_return std::nullopt;
  for (size_t i = 0; i < asked.size(); ++i) {
    // SISMEMBER: 1 when the mobile opted out (a reply that does not read: reachable, as
    // before).
    auto opted_out = redis::decode<bool>((*registry)[i]);
    contacts[asked[i]].reachable = !(opted_out && *opted_out);
  }
  co_return contacts;
}

boost::asio::awaitable<std::optional<ConfirmOutcome>> confirm(redis::Client& redis,
                                                              const ConfirmAsk& ask) {
  const std::string& id = ask.alert_id;
  std::vector<std::string> script_keys{
      keys::rsvp(id),       keys::seats(id),         keys::rides(id),           keys::riding(id),
      keys::car_load(id),   keys::ride_sequence(id), keys::audit_trail(id)};
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
  auto reply = redis::decode<std::pair<std::string, std::string>>(
      co_await redis.eval(confirm_script(), std::move(script_keys), std::move(args)));
  if (!reply) co_return std::nullopt;
  ConfirmOutcome outcome{reply->first, "", ""};
  if (outcome.status == "ok") {
    co_await alerts::relay(redis, id, alerts::Outbox::audit);
    outcome.match_id = reply->second;
  } else {
    outcome.member = reply->second;
  }
  co_return outcome;
}

boost::asio::awaitable<std::optional<std::string>> undo(
    redis::Client& redis, const std::string& alert_id, const std::string& match_id,
    const MatchRecord& record, const std::string& actor, const std::string& detail) {
  std::vector<std::string> script_keys{keys::rides(alert_id),    keys::riding(alert_id),
                                       keys::car_load(alert_id), keys::audit_trail(alert_id)};
  std::vector<std::string> args{match_id,
                                encode(record),
                                actor,
                                alert_id,
                                detail,
                                record.driver,
                                std::to_string(record.seats)};
  args.insert(args.end(), record.riders.begin(), record.riders.end());
  auto reply = redis::decode<std::string>(
      co_await redis.eval(undo_script(), std::move(script_keys), std::move(args)));
  if (!reply) co_return std::nullopt;
  if (*reply == "ok") co_await alerts::relay(redis, alert_id, alerts::Outbox::audit);
  co_return std::move(*reply);
}

}  // namespace tocsin::rides
