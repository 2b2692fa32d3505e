#pragma once
// Which alert and member each reply of a batch answers: the most recently sent open alert
// (sending or sent, among the kRecentAlerts latest created) that went to the reply's
// number, or, when the reply quotes a code, that alert if it is open and went to the
// number. A reply to a wave or follow-up (a child alert) answers its parent, if the parent
// is open.
//
// Read by the daemon in a few pipelined round trips rather than in one script: the alerts
// and the member it reads are each in their own hash slot (Redis Cluster runs a script on
// one), and it only reads. The choice itself (open_alerts(), pick()) is decided apart from
// any I/O and tested without Redis.

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "util/result.h"

namespace tocsin::redis {
class Client;
}

namespace tocsin::replies {

// How many of the latest alerts a reply may answer. Read at each batch, so a reply to an
// alert sent a moment ago finds it.
inline constexpr int kRecentAlerts = 200;

struct ReplyQuery {
  std::string number;  // the sender, E.164
  std::string code;    // the alert code it quotes, or ""
};

struct ReplyMatch {  // all empty when the reply answers no alert
  std::string alert;
  std::string member;
  std::string region, sector, local, language, title;  // the member's, from the roster
};

// An alert's fields the choice reads (alert:{id}).
struct AlertStanding {
  std::string state;
  int64_t sending_at_ms = 0;
  std::string parent;  // "" for none
};

// An alert a reply may answer: `id` went to the numbers, `target` counts the answer
// (itself, or the parent of a wave or follow-up).
struct OpenAlert {
  std::string id;
  std::string target;
  int64_t sending_at_ms = 0;
};

// The open alerts among `ids` (the index's, latest first), most recently sent first, from
// their standings and their parents'. An alert or parent missing from `standings` is not
// open.
std::vector<OpenAlert> open_alerts(const std::vector<std::string>& ids,
                                   const std::map<std::string, AlertStanding>& standings);

// The alerts a reply may answer, in the order they are tried: all the open ones, or, when
// it quotes a code, those whose target is the alert of the code (`code_alert`: "" when the
// code names no alert: none then).
std::vector<const OpenAlert*> candidates(const std::vector<OpenAlert>& open, bool quotes_code,
                                         const std::string& code_alert);

// `standings_read` (optional; in and out): the alerts whose standings the last call read.
// They are read again in the round trip that reads the index, so that a call finding the
// same latest alerts as the last one (nearly every batch of a busy worker) makes one round
// trip fewer. Every standing used is read by this call: a guess only saves the wait.
boost::asio::awaitable<Result<std::vector<ReplyMatch>>> match_replies(
    redis::Client& redis, const std::vector<ReplyQuery>& replies,
    std::vector<std::string>* standings_read = nullptr);

}  // namespace tocsin::replies
