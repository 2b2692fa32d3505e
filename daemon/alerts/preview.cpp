#include "alerts/preview.h"

#include <algorithm>
#include <set>

#include "alerts/local_time.h"
#include "alerts/rfc3339.h"
#include "alerts/rsvp_link.h"
#include "alerts/sms_encoding.h"
#include "alerts/template.h"

namespace tocsin::alerts {
namespace {

TemplateValues sample_values(const Alert& alert, const std::string& language,
                             const std::string& time_zone, std::string_view public_url) {
  TemplateValues values;
  values.first_name = language == "en" ? "Alex" : "Marie";
  if (const auto when = parse_rfc3339(alert.event_time())) {
    values.event_time = format_event_date_time(*when, language, time_zone);
  } else {
    values.event_time = alert.event_time();
  }
  values.place = alert.place();
  // A link of the same length as the members' (a tag is always kRsvpTagLength long).
  values.rsvp_link = rsvp_link(public_url, alert.code().empty() ? "A7" : alert.code(),
                               std::string(kRsvpTagLength, 'x'));
  for (const PickupPoint& point : alert.pickup_points()) {
    std::string text = describe_pickup(point, language, time_zone);
    if (text.size() > values.pickup.size()) values.pickup = std::move(text);
  }
  values.code = alert.code().empty() ? "A7" : alert.code();
  return values;
}

}  // namespace

std::string message_language(const Alert& alert, const std::string& language) {
  return alert.messages().contains(language) ? language : "fr";
}

std::string describe_pickup(const PickupPoint& point, std::string_view language,
                            const std::string& time_zone) {
  const auto departs = parse_rfc3339(point.departs_at());
  if (!departs) return point.name();
  // The bus leaves the day of the event or the evening before: the clock says enough.
  return point.name() + ", " + format_time_of_day(*departs, language, time_zone);
}

AlertPreview make_preview(const Alert& alert, const AudienceBreakdown& counts,
                          const PricingConfig& pricing, const std::string& time_zone,
                          std::string_view public_url) {
  AlertPreview preview;
  preview.set_alert_id(alert.id());
  const bool sms = alert.channels() == SMS || alert.channels() == BOTH;
  const bool email = alert.channels() == EMAIL || alert.channels() == BOTH;

  // Languages with a message, sorted so the preview reads the same every time.
  std::set<std::string> languages;
  for (const auto& [language, message] : alert.messages()) languages.insert(language);

  std::map<std::string, int64_t> sms_segments_by_language;
  for (const std::string& language : languages) {
    const AlertMessage& message = alert.messages().at(language);
    const TemplateValues values = sample_values(alert, language, time_zone, public_url);
    if (sms) {
      const std::string text =
          make_gsm_friendly(render(message.sms(), values), alert.fold_accents());
      const SmsShape shape = measure_sms(text);
      AlertSmsPreview* out = preview.add_sms();
      out->set_language(language);
      out->set_text(text);
      out->set_encoding(std::string(name(shape.encoding)));
      out->set_units(static_cast<int64_t>(shape.units));
      out->set_segments(static_cast<int64_t>(shape.segments));
      for (const std::string& c : shape.non_gsm_characters) out->add_non_gsm_characters(c);
      sms_segments_by_language[language] = static_cast<int64_t>(shape.segments);
    }
    if (email) {
      AlertEmailPreview* out = preview.add_email();
      out->set_language(language);
      out->set_subject(render(message.email_subject(), values));
      out->set_body(render(message.email_body(), values));
    }
  }

  // Members are counted under the language of the message they get (fallback to French).
  std::map<std::string, int64_t> sms_recipients;
  std::map<std::string, int64_t> email_recipients;
  if (sms) {
    for (const auto& [language, n] : counts.sms) {
      sms_recipients[message_language(alert, language)] += n;
    }
  }
  if (email) {
    for (const auto& [language, n] : counts.email) {
      email_recipients[message_language(alert, language)] += n;
    }
  }

  int64_t total_segments = 0;
  for (const auto& [language, n] : sms_recipients) {
    AlertRecipients* row = preview.add_recipients();
    row->set_channel("sms");
    row->set_language(language);
    row->set_recipients(n);
    preview.set_sms_recipients(preview.sms_recipients() + n);
    // A language without a message falls back to French, which is always measured when
    // valid; an invalid alert without French costs nothing rather than a guess.
    const auto segments = sms_segments_by_language.find(language);
    if (segments != sms_segments_by_language.end()) total_segments += n * segments->second;
  }
  for (const auto& [language, n] : email_recipients) {
    AlertRecipients* row = preview.add_recipients();
    row->set_channel("email");
    row->set_language(language);
    row->set_recipients(n);
    preview.set_email_recipients(preview.email_recipients() + n);
  }
  preview.set_sms_segments(total_segments);

  preview.set_estimated_cost_cents(
      static_cast<double>(total_segments) * pricing.sms_cents_per_segment +
      static_cast<double>(preview.email_recipients()) * pricing.email_cents);
  double seconds = 0;
  if (pricing.sms_segments_per_second > 0) {
    seconds =
        std::max(seconds, static_cast<double>(total_segments) / pricing.sms_segments_per_second);
  }
  if (pricing.emails_per_second > 0) {
    seconds = std::max(seconds,
                       static_cast<double>(preview.email_recipients()) / pricing.emails_per_second);
  }
  preview.set_estimated_seconds(seconds);
  return preview;
}

std::vector<std::string> target_warnings(const Alert& alert,
                                         const std::vector<int64_t>& audience_per_target) {
  std::vector<std::string> warnings;
  for (int i = 0; i < alert.targets_size() && i < static_cast<int>(audience_per_target.size());
       ++i) {
    const TurnoutTarget& target = alert.targets(i);
    const int64_t available = audience_per_target[i];
    if (target.target() <= available) continue;
    std::string warning = "targets[" + std::to_string(i) + "]: " +
                          std::to_string(target.target()) + " yes wanted from " +
                          target.dimension() + " \"" + target.value() + "\", but ";
    warning += available == 0 ? "no member of the audience has that " + target.dimension()
                              : "the audience has " + std::to_string(available) +
                                    (available == 1 ? " member" : " members") + " there";
    warnings.push_back(std::move(warning));
  }
  return warnings;
}

}  // namespace tocsin::alerts
