#pragma once
// What an officer sees before approving: whom the alert reaches, the exact texts, what the
// SMS encoding costs, the price and the time to finish. The recipient counts come from the
// caller (the audience index in Redis); everything here is arithmetic. No I/O.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "proto/tocsin.pb.h"

namespace tocsin::alerts {

// Recipients after opt-outs and de-duplication of shared phones, by member language.
// Languages without a message in the alert get French, as the sender does.
struct AudienceBreakdown {
  std::map<std::string, int64_t> sms;  // language → members reached by SMS
  std::map<std::string, int64_t> email;
};

struct PricingConfig {
  double sms_cents_per_segment = 0.79;
  double email_cents = 0.01;
  // Sums over the channel's gateways. A rate ≤ 0 leaves that channel out of the time
  // estimate (config validation rejects it).
  double sms_segments_per_second = 1;
  double emails_per_second = 50;
};

// The public URL of the samples when the caller has none. Its length matters: the link is
// part of every SMS, so the daemon passes its own (config http.public_url).
inline constexpr std::string_view kSamplePublicUrl = "https://tocsin.example";

// The language whose message a member of `language` gets: theirs if the alert has it,
// French otherwise.
std::string message_language(const Alert& alert, const std::string& language);

// "Terminus Longueuil, 5 h 30" / "Terminus Longueuil, 5:30 a.m."; the name alone when the
// departure time is unknown.
std::string describe_pickup(const PickupPoint& point, std::string_view language,
                            const std::string& time_zone);

// Renders every message with sample values ("Marie" in French, "Alex" in English; for
// {pickup}, the pickup point with the longest description, so the estimate is the worst
// case), rewrites the SMS with make_gsm_friendly(text, alert.fold_accents()) as the sender
// does, and measures it. {event_time} is the date form (format_event_date_time): an alert
// may be read days before the event. Expects an alert that passed validate_alert; an
// unparseable event_time renders as written. time_zone: the union's (config `time_zone`).
// public_url: where members' RSVP links point; the sample link is as long as theirs.
AlertPreview make_preview(const Alert& alert, const AudienceBreakdown& counts,
                          const PricingConfig& pricing, const std::string& time_zone,
                          std::string_view public_url = kSamplePublicUrl);

// One warning per target larger than the members of the audience it counts among
// ("targets[0]: 500 yes wanted from region \"Montérégie\", but the audience has 312 members
// there"): such a target cannot be reached. audience_per_target[i]: the members of the
// audience with targets[i]'s dimension and value.
std::vector<std::string> target_warnings(const Alert& alert,
                                         const std::vector<int64_t>& audience_per_target);

}  // namespace tocsin::alerts
