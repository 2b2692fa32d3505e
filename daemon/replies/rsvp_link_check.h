#pragma once
// Whether a one-click RSVP link (/r/{code}.{tag}) may be answered now, and for whom: the
// alert is found by its code, the member by the tag in alert:{id}:links, and the tag is
// checked against the HMAC of the alert and member ids under the secret (rsvp_token.h).
// Answers are taken while the alert is open (sending or sent) and until its expiry or its
// event time, whichever comes first.

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <string>
#include <string_view>

#include "proto/tocsin.pb.h"

namespace tocsin::redis {
class Client;
}

namespace tocsin::replies {

struct LinkCheck {
  enum class Status {
    open,         // alert and member_id are set
    invalid,      // malformed, unknown code, unknown or tampered tag: 403
    closed,       // the alert takes no more answers (cancelled, closed, expired): 410
    unavailable,  // Redis failed: 503
  };
  Status status = Status::unavailable;
  Alert alert;  // with its id and code
  std::string member_id;
  std::string form_token;  // when open: rsvp_form_token() of the alert and member
};

// The rule above, on the alert's state field, expires_at_ms (0: none) and event_time
// (RFC 3339; one that does not parse sets no limit). Pure.
bool takes_answers(std::string_view state, int64_t expires_at_ms, std::string_view event_time,
                   int64_t now_ms);

boost::asio::awaitable<LinkCheck> check_rsvp_link(redis::Client& redis, std::string token,
                                                  int64_t now_ms);

}  // namespace tocsin::replies
