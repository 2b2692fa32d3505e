#pragma once
// Check-in at the door or the bus, in Redis (daemon/checkin/README.md): members recorded
// present (checkin_scripts.h), their personal codes (checkin_code.h) and the secret that
// signs the QR codes. Used by the check-in routes (api/checkin_routes.cpp), the reply
// worker (PRÉSENT A7, and the short code in a yes confirmation) and the one-click page.
//
// Keys (alerts/alert_keys.h): alert:{id}:present, alert:{id}:day, alert:{id}:checkin_codes
// (code -> member), alert:{id}:checkin_code_of (member -> code), secret:checkin.
// Every call answers nullopt when Redis is unavailable (nothing known to be written).

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tocsin::redis {
class Client;
}

namespace tocsin::checkin {

struct CheckinRequest {
  std::string alert_id;
  std::string member_id;
  std::string how;  // "scan" | "manual" | "self"
  std::string by;   // who recorded it: a token's name, or "sms" for the member's own word
  int64_t at_ms = 0;
  bool audited = false;  // write an audit entry (the route hands out the member's name)
};

struct CheckinOutcome {
  enum class Status {
    checked_in,    // recorded now (or a self-report confirmed by a scan)
    already,       // recorded before: at_ms, how, by are the first record's
    no_alert,      // no such alert
    not_in_alert,  // the member neither answered the alert nor is in its audience
  };
  Status status = Status::no_alert;
  int64_t at_ms = 0;
  std::string how;
  std::string by;
  std::string answer;  // the member's RSVP answer, "" for none
};

class CheckinStore {
 public:
  // Registers the scripts with the client: build it before the client connects.
  explicit CheckinStore(redis::Client& redis);

  boost::asio::awaitable<std::optional<CheckinOutcome>> check_in(CheckinRequest request);

  // The secret of the QR codes; made first (SET NX) when `create`. "" when none yet.
  boost::asio::awaitable<std::optional<std::string>> secret(bool create);

  // The member's short code for the alert, made on first call; "" when there is no such
  // alert.
  boost::asio::awaitable<std::optional<std::string>> short_code(std::string alert_id,
                                                                std::string member_id);
  // The same for many (alert, member) pairs in one script call per attempt (the reply
  // worker's batch), in their order.
  boost::asio::awaitable<std::optional<std::vector<std::string>>> short_codes(
      std::vector<std::pair<std::string, std::string>> alert_members);

  // The member a short code names within the alert; "" when none.
  boost::asio::awaitable<std::optional<std::string>> member_of_code(std::string alert_id,
                                                                    std::string code);

 private:
  redis::Client& redis_;
};

}  // namespace tocsin::checkin
