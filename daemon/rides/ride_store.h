#pragma once
// What the ride routes read and write in Redis: an alert's RSVPs, seats, waitlist and
// confirmed matches (ride_candidates.h), the members' first names and mobiles, and the
// confirm and undo steps, each one Lua script that checks, writes and audits at once (on
// the alert's trail, relayed to the global audit stream after: alerts/alert_relay.h).

#include <boost/asio/awaitable.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "rides/ride_candidates.h"
#include "rides/ride_record.h"

namespace tocsin::redis {
class Client;
}

namespace tocsin::rides {

// nullopt when Redis failed.
boost::asio::awaitable<std::optional<RideFacts>> read_facts(redis::Client& redis,
                                                            const std::string& alert_id);

struct MemberContact {
  std::string first_name;
  std::string mobile;      // E.164, "" for none
  std::string language;    // "fr" | "en"
  std::string region;      // folded, as member:{id}:idx stores it
  bool reachable = false;  // a mobile not opted out of SMS
};

// The members' records (those gone from the roster are left out); nullopt when Redis failed.
boost::asio::awaitable<std::optional<std::map<std::string, MemberContact>>> read_contacts(
    redis::Client& redis, const std::vector<std::string>& member_ids);

struct ConfirmAsk {
  std::string alert_id;
  Candidate driver;
  std::vector<Candidate> riders;
  MatchRecord record;
  std::string actor;
  std::string detail;  // for the audit entry: ids and counts, never names or mobiles
};

// "ok" (match_id set), "changed" (an RSVP changed since it was read), "seated", "matched"
// (a rider already has a bus seat or a ride), "full" (not enough seats left); `member` names
// the one refused. nullopt when Redis failed.
struct ConfirmOutcome {
  std::string status;
  std::string match_id;
  std::string member;
};
boost::asio::awaitable<std::optional<ConfirmOutcome>> confirm(redis::Client& redis,
                                                              const ConfirmAsk& ask);

// "ok", "missing" or "changed" (the match was changed or undone since it was read);
// nullopt when Redis failed.
boost::asio::awaitable<std::optional<std::string>> undo(
    redis::Client& redis, const std::string& alert_id, const std::string& match_id,
    const MatchRecord& record, const std::string& actor, const std::string& detail);

// Registers the scripts to load on each connection.
void load_scripts(redis::Client& redis);

}  // namespace tocsin::rides
