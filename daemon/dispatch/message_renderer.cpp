#include "dispatch/message_renderer.h"

#include "alerts/local_time.h"
#include "alerts/preview.h"
#include "alerts/rfc3339.h"
#include "alerts/sms_encoding.h"
#include "alerts/template.h"
#include "members/text_fold.h"

namespace tocsin::dispatch {
namespace {

// The text's start, cut at a space before max_bytes, with "…" when cut.
std::string opening_words(const std::string& text, size_t max_bytes) {
  const std::string line = text.substr(0, text.find('\n'));
  if (line.size() <= max_bytes) return line;
  size_t cut = line.rfind(' ', max_bytes);
  if (cut == std::string::npos || cut == 0) {
    cut = max_bytes;
    // Never cut inside a UTF-8 character.
    while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
  }
  return line.substr(0, cut) + "…";
}

}  // namespace

MessageRenderer::MessageRenderer(Alert alert, std::string time_zone)
    : alert_(std::move(alert)), time_zone_(std::move(time_zone)) {
  if (const auto expires = alerts::parse_rfc3339(alert_.expires_at())) {
    expires_at_unix_ =
        std::chrono::duration_cast<std::chrono::seconds>(expires->time_since_epoch()).count();
  }
}

const MessageRenderer::Language& MessageRenderer::language(const std::string& name) const {
  auto found = languages_.find(name);
  if (found != languages_.end()) return found->second;
  Language computed;
  if (const auto when = alerts::parse_rfc3339(alert_.event_time())) {
    computed.event_time = alerts::format_event_date_time(*when, name, time_zone_);
  } else {
    computed.event_time = alert_.event_time();
  }
  for (const PickupPoint& point : alert_.pickup_points()) {
    // The first point listed for a region is its members' pickup point.
    computed.pickup_by_region.emplace(members::fold(point.region()),
                                      alerts::describe_pickup(point, name, time_zone_));
  }
  return languages_.emplace(name, std::move(computed)).first->second;
}

adapters::OutgoingMessage MessageRenderer::render(const Member& member, std::string_view channel,
                                                  std::string to, std::string rsvp_link) const {
  const std::string language_name = alerts::message_language(alert_, member.language());
  const Language& language = this->language(language_name);
  const AlertMessage& texts = alert_.messages().at(language_name);

  alerts::TemplateValues values;
  values.first_name = member.first_name();
  values.event_time = language.event_time;
  values.place = alert_.place();
  values.rsvp_link = std::move(rsvp_link);
  if (auto pickup = language.pickup_by_region.find(members::fold(member.region()));
      pickup != language.pickup_by_region.end()) {
    values.pickup = pickup->second;
  }
  values.code = alert_.code();

  adapters::OutgoingMessage message;
  message.alert_id = alert_.id();
  message.member_id = member.id();
  message.channel = std::string(channel);
  message.to = std::move(to);
  message.language = language_name;
  if (channel == "sms") {
    message.text = alerts::make_gsm_friendly(alerts::render(texts.sms(), values),
                                             alert_.fold_accents());
    message.segments = static_cast<int>(alerts::measure_sms(message.text).segments);
  } else if (!texts.email_body().empty()) {
    message.text = alerts::render(texts.email_body(), values);
    message.email_subject = alerts::render(texts.email_subject(), values);
    message.segments = 1;
  } else {
    // An SMS-only alert falling back to email (a landline, an invalid mobile): the SMS
    // text, and its opening words as the subject.
    message.text = alerts::render(texts.sms(), values);
    message.email_subject = opening_words(message.text, 60);
    message.segments = 1;
  }
  message.idempotency_key = alert_.id() + ":" + member.id() + ":" + message.channel;
  message.alert_code = alert_.code();
  message.rsvp_link = values.rsvp_link;
  message.expires_at_unix = expires_at_unix_;
  return message;
}

}  // namespace tocsin::dispatch
