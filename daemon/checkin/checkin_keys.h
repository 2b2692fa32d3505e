#pragma once
// Where the check-in lives in Redis: the keys its store and scripts use (checkin/*.lua).
// All but the secret are an alert's keys, under its hash tag {id}, named in
// alerts/alert_keys.h:
//
//   alert:{id}                  HASH, the alert (a check-in needs it to exist)
//   alert:{id}:rsvp             HASH member id -> RSVP: the answer shown at the door
//   alert:{id}:audience         SET, the frozen audience: who may be checked in
//   alert:{id}:seat             HASH member id -> bus seat: their pickup point
//   alert:{id}:present          HASH member id -> "at_ms\x1fhow\x1fby"
//   alert:{id}:day              HASH, the event day's counts ("present", "present_self")
//   alert:{id}:checkin_codes    HASH short code -> member id
//   alert:{id}:checkin_code_of  HASH member id -> short code
//   alert:{id}:audit            STREAM, the alert's trail (relayed to the audit stream)
//   secret:checkin              STRING, 32 random bytes behind the check-in links' tags,
//                               created by the first code made

#include <string_view>

#include "alerts/alert_keys.h"

namespace tocsin::checkin::keys {

using alerts::keys::alert;
using alerts::keys::audit_trail;
using alerts::keys::audience;
using alerts::keys::checkin_code_of;
using alerts::keys::checkin_codes;
using alerts::keys::day;
using alerts::keys::present;
using alerts::keys::rsvp;
using alerts::keys::seats;

inline constexpr std::string_view kSecret = "secret:checkin";

}  // namespace tocsin::checkin::keys
