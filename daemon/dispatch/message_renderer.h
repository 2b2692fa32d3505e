#pragma once
// Turns an alert and one member into the exact message a gateway sends: the member's
// language (French when the alert has no message in theirs), their first name, the event
// time in the union's time zone and their language, their region's pickup point, their
// RSVP link; SMS text rewritten GSM-friendly (and accent-folded when the alert asks) and
// measured in segments. What is the same for every member of a language is computed once.
// No I/O.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "adapters/gateway.h"
#include "proto/tocsin.pb.h"

namespace tocsin::dispatch {

class MessageRenderer {
 public:
  MessageRenderer(Alert alert, std::string time_zone);

  const Alert& alert() const { return alert_; }

  // channel: "sms" or "email"; to: the member's address on it. An email of an alert
  // without email texts (an SMS falling back to email) carries the SMS text.
  adapters::OutgoingMessage render(const Member& member, std::string_view channel,
                                   std::string to, std::string rsvp_link) const;

 private:
  struct Language {
    std::string event_time;
    std::map<std::string, std::string> pickup_by_region;  // folded region -> description
  };
  const Language& language(const std::string& name) const;

  Alert alert_;
  std::string time_zone_;
  int64_t expires_at_unix_ = 0;
  mutable std::map<std::string, Language> languages_;
};

}  // namespace tocsin::dispatch
