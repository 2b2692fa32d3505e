#pragma once
// The alert lifecycle in Redis (layout: alert_keys.h): create, read, list, preview, and
// the transitions an officer makes — approve, cancel, close. Starting a send is the send
// queue's (dispatch/send_queue.h); finishing one is the dispatch engine's.
//
//   draft --approve--> approved --(send queue)--> sending --(engine)--> sent --close--> closed
//   draft, approved --(send queue, send_at ahead)--> scheduled --(scheduler)--> sending
//   draft, approved, scheduled, sending --cancel--> cancelled
//
// Each transition checks the state and writes the new one and its audit entry (on the
// alert's trail, relayed to the audit stream after: alert_relay.h) in one Lua script, so
// two officers acting at once cannot both win and the trail never misses a change. Answers are what the HTTP API shows: an AlertResponse, or a Refusal carrying
// the HTTP status and the {"error", "field"} of the error body.

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "alerts/audience_breakdown.h"
#include "auth/principal.h"
#include "members/audience_counter.h"
#include "proto/tocsin.pb.h"

namespace tocsin::redis {
class Client;
}
namespace tocsin::config {
class Config;
}

namespace tocsin::alerts {

struct Refusal {
  unsigned status = 400;
  std::string error;
  std::string field;
};

// The refusal when Redis cannot be reached: 503, try again (nothing was changed).
inline Refusal unavailable() {
  return {503, "Redis is unavailable; try again shortly", ""};
}

template <class T>
using Outcome = std::variant<T, Refusal>;

// Alert ids are random_id(16): 16 characters of [a-z0-9]. Anything else names no alert.
bool is_alert_id(std::string_view text);

class AlertStore {
 public:
  // Registers its scripts with load_on_connect(): construct before redis.run().
  AlertStore(redis::Client& redis, const config::Config& config);

  // Validates the alert (every problem of validate_alert, the first one answered with its
  // field) and its audience expression, then stores it as a draft with a new id and code
  // ("A1", "A2"...), `who` as its creator. Fields the daemon fills are overwritten.
  boost::asio::awaitable<Outcome<AlertResponse>> create(Alert alert, auth::Principal who);

  // A follow-up of an alert that has been sent (sending, sent or closed) to a group of its
  // audience (alerts/child_alert.h: `request` gives target_group, channels, messages,
  // optionally a title), stored as a draft child with a new id, `who` as its creator. It
  // is previewed, approved and sent like any alert.
  boost::asio::awaitable<Outcome<AlertResponse>> create_followup(std::string parent_id,
                                                                 Alert request,
                                                                 auth::Principal who);

  // The child of wave `index` (1-based) of a sending or sent alert: stored approved (the
  // parent's approval covers its waves) the first time, the same id after. Refused (409)
  // when the parent is in another state.
  boost::asio::awaitable<Outcome<std::string>> create_wave_child(std::string parent_id, int index);

  // The alert with its state, approver, and delivery counts.
  boost::asio::awaitable<Outcome<AlertResponse>> get(std::string id);

  // The `limit` most recent alerts, newest first, with their states.
  boost::asio::awaitable<Outcome<std::vector<Alert>>> list(size_t limit);

  // Whom it reaches now (the audience as the indexes say today), what it says, what it
  // costs and how long it takes, and whether a second executive must approve it.
  boost::asio::awaitable<Outcome<AlertResponse>> preview(std::string id);

  // draft -> approved. Refused (403) when the audience exceeds alerts.approval_threshold
  // and `who` is the token that created the alert.
  boost::asio::awaitable<Outcome<AlertResponse>> approve(std::string id, auth::Principal who);

  // draft, approved, scheduled or sending -> cancelled. The dispatch engine watches the
  // state and stops sending within a second; the scheduler's start of a scheduled alert
  // refuses a cancelled one (its item is removed by the :cancel route).
  boost::asio::awaitable<Outcome<AlertResponse>> cancel(std::string id, auth::Principal who);

  // A draft's approval asked of other executives (alerts/approval_link.h): who asked, when,
  // and whom it reached, recorded with its audit entry (alert.approval_requested). Refused
  // (409) unless the alert is a draft.
  struct ApprovalAsked {
    int64_t sms = 0;
    int64_t email = 0;
    std::vector<std::string> names;
  };
  boost::asio::awaitable<Outcome<AlertResponse>> record_approval_request(std::string id,
                                                                         auth::Principal who,
                                                                         ApprovalAsked asked);

  // An executive other than the creator will not approve the draft, and says why: the alert
  // stays a draft with who declined, when and why (the latest refusal), audited
  // (alert.decline). Refused (403) for the creator, (409) unless a draft.
  boost::asio::awaitable<Outcome<AlertResponse>> decline(std::string id, auth::Principal who,
                                                         std::string reason);

  // sent -> closed: RSVPs are no longer taken; its waves and follow-ups not yet sent are
  // cancelled (cancel does the same).
  boost::asio::awaitable<Outcome<AlertResponse>> close(std::string id, auth::Principal who);

 private:
  struct Transition;
  boost::asio::awaitable<Outcome<AlertResponse>> transition(const Transition& change,
                                                            const std::string& id,
                                                            const auth::Principal& who);
  boost::asio::awaitable<Outcome<Alert>> load(const std::string& id);
  boost::asio::awaitable<Outcome<AlertResponse>> cancel_one(const std::string& id,
                                                            const auth::Principal& who);
  // Cancels the alert's children not yet sent (waves, follow-ups).
  boost::asio::awaitable<void> cancel_children(const std::string& id, const auth::Principal& who);
  // Members the alert reaches now (a child: its parent's members in its group).
  boost::asio::awaitable<Outcome<int64_t>> count_audience(const Alert& alert);
  // The refusal of an audience that holds no member (a typo: "region:estri"), naming the
  // terms no member has; nullopt when it holds some.
  boost::asio::awaitable<std::optional<Refusal>> refuse_empty_audience(
      const members::AudienceExpr& expression, const std::string& text);
  // Stores `child` of `parent` in the parent's slot (create_child_script); `approved_by`
  // empty for a draft. Answers the child's id.
  boost::asio::awaitable<Outcome<std::string>> create_child(const Alert& parent, Alert child,
                                                            std::string slot,
                                                            const auth::Principal& who,
                                                            std::string approved_by);

  redis::Client& redis_;
  const config::Config& config_;
  members::AudienceCounter audience_;
  AudienceBreakdownCounter breakdown_;
};

}  // namespace tocsin::alerts
