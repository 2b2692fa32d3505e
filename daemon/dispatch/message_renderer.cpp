#include "dispatch/message_renderer.h"

#include "alerts/local_time.h"
#include "alerts/preview.h"
#include "alerts/rfc3339.h"
#include "alerts/sms_encoding.h"
#include "alerts/template.h"
#include "members/text_fold.h"

namespace tocsin::dispatch {

MessageRenderer::MessageRenderer(Alert alert, std::string time_zone)
    : alert_(std::move(alert)), time_zone_(std::move(time_zone)) {}

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
  } else {
    message.text = alerts::render(texts.email_body(), values);
    message.email_subject = alerts::render(texts.email_subject(), values);
    message.segments = 1;
  }
  message.idempotency_key = alert_.id() + ":" + member.id() + ":" + message.channel;
  return message;
}

}  // namespace tocsin::dispatch
